"""Property: a ledger rendered as a messy export normalizes back to the same records."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normalizer import normalize

HEADERS = {
    "en": ("Date", "Account", "Description", "Debit", "Credit", "Amount"),
    "de": ("Datum", "Konto", "Buchungstext", "Soll", "Haben", "Betrag"),
    "fr": ("Date", "Compte", "Libellé", "Débit", "Crédit", "Montant"),
}


@dataclass(frozen=True)
class Entry:
    posted_on: dt.date
    account: str
    description: str
    amount: Decimal  # signed: positive is a debit


entries = st.builds(
    Entry,
    posted_on=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2035, 12, 31)),
    account=st.integers(min_value=1000, max_value=99999).map(str),
    description=st.text(alphabet="abcdefghijklmnopqrstuvwxyzéü ", min_size=1, max_size=20).map(
        lambda s: ("Item " + s).strip()
    ),
    amount=st.integers(min_value=-99_999_999, max_value=99_999_999)
    .filter(bool)
    .map(lambda n: Decimal(n).scaleb(-2)),
)


@dataclass(frozen=True)
class Style:
    delimiter: str
    mark: str
    order: str
    split_columns: bool
    preamble: int
    total_row: bool
    encoding: str
    container: str
    language: str


styles = st.builds(
    Style,
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    mark=st.sampled_from([".", ","]),
    order=st.sampled_from(["YMD", "DMY", "MDY"]),
    split_columns=st.booleans(),
    preamble=st.integers(min_value=0, max_value=3),
    total_row=st.booleans(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
    container=st.sampled_from(["csv", "csv", "xlsx"]),
    language=st.sampled_from(sorted(HEADERS)),
)


def _amount_text(value: Decimal, mark: str) -> str:
    text = f"{abs(value):,.2f}"
    if mark == ",":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return ("-" if value < 0 else "") + text


def _date_text(value: dt.date, order: str) -> str:
    return value.strftime({"YMD": "%Y-%m-%d", "DMY": "%d.%m.%Y", "MDY": "%m/%d/%Y"}[order])


def _table(ledger: list[Entry], style: Style) -> list[list[object]]:
    date_h, account_h, text_h, debit_h, credit_h, amount_h = HEADERS[style.language]
    rows: list[list[object]] = [[f"Company report line {i + 1}"] for i in range(style.preamble)]
    rows.append(
        [date_h, account_h, text_h, debit_h, credit_h]
        if style.split_columns
        else [date_h, account_h, text_h, amount_h]
    )
    for e in ledger:
        date: object = e.posted_on if style.container == "xlsx" else _date_text(e.posted_on, style.order)
        if style.split_columns:
            debit, credit = (e.amount, None) if e.amount > 0 else (None, -e.amount)
            rows.append([date, e.account, e.description, debit, credit])
        else:
            rows.append([date, e.account, e.description, e.amount])
    if style.total_row:
        if style.split_columns:
            rows.append(["Total", "", "", sum(e.amount for e in ledger if e.amount > 0) or None,
                         sum(-e.amount for e in ledger if e.amount < 0) or None])  # fmt: skip
        else:
            rows.append(["Total", "", "", sum((e.amount for e in ledger), Decimal(0))])
    return rows


def _render(ledger: list[Entry], style: Style) -> bytes:
    rows = _table(ledger, style)
    if style.container == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        for row in rows:
            sheet.append([float(c) if isinstance(c, Decimal) else c for c in row])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    text = io.StringIO()
    writer = csv.writer(text, delimiter=style.delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(
            ["" if c is None else _amount_text(c, style.mark) if isinstance(c, Decimal) else c for c in row]
        )
    return text.getvalue().encode(style.encoding)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledger=st.lists(entries, min_size=1, max_size=8), style=styles)
def test_messy_export_round_trips(ledger: list[Entry], style: Style) -> None:
    # One day above 12 lets the date order be decided from the column, as in any real ledger.
    first = ledger[0]
    ledger[0] = Entry(
        posted_on=first.posted_on.replace(day=max(first.posted_on.day, 13)),
        account=first.account,
        description=first.description,
        amount=first.amount,
    )
    if style.mark == ",":  # unambiguous sample: a value with decimals and a thousands group
        ledger.append(
            Entry(
                posted_on=ledger[0].posted_on, account="9999", description="Item x", amount=Decimal("1234.56")
            )
        )
    data = _render(ledger, style)
    result = normalize(data, name=f"export.{style.container}")
    got = [(r.posted_on, r.account, r.description, r.debit - r.credit) for r in result.records]
    assert got == [(e.posted_on, e.account, e.description, e.amount) for e in ledger]
    assert not [i for i in result.issues if i.severity == "error"]
    if style.total_row:
        assert [c.passed for c in result.checks if c.name == "total_rows"] == [True]

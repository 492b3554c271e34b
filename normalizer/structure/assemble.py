"""One ledger row -> one `Line` (record fields before block rules), or issues saying why not.

Values are parsed with settings decided once per column (`ValueRules`); text fields take the
first non-empty of their columns; every other column goes to attributes by its name.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from normalizer.mapping import AmountModel, ColumnMap
from normalizer.record import Record, canonical_amount, trusted_record
from normalizer.result import Issue
from normalizer.structure.cells import Cell, RowLike, cell_at, cell_text, is_blank
from normalizer.values.magnitude import oversized

if TYPE_CHECKING:
    from normalizer.values.dates import DateOrder

TEXT_FIELDS = ("account", "account_name", "description", "reference", "journal")
_ZERO = Decimal(0)
_ZERO_CANONICAL = Decimal("0.00")
_SYMBOLS: Mapping[str, str] = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "CHF": "CHF"}
_PREFIXED = re.compile(r"^[A-Za-z]+::(?P<code>\S+)$")


@dataclass(frozen=True, slots=True, kw_only=True)
class ValueRules:
    """How the values of this file are read, decided once (per column) before the rows."""

    model: AmountModel
    decimal_mark: str | None = None
    date_order: DateOrder | None = None
    date_pattern: str | None = None
    default_year: int | None = None
    year_start: dt.date | None = None  # short dates (no year) before it belong to the next year
    positive: str = "debit"
    side_tokens: Mapping[str, str] | None = None
    amount_scale: int = 0
    currency: str = ""


@dataclass(slots=True)
class Line:
    """A ledger line on its way to a `Record`: block rules may still fill its blank fields."""

    row: int
    texts: dict[str, str]
    posted_on: dt.date | None
    debit: Decimal
    credit: Decimal
    currency: str
    attributes: dict[str, str] = field(default_factory=dict)

    def to_record(self, ledger_file_id: int | None) -> Record:
        debit, credit = _record_amount(self.debit), _record_amount(self.credit)
        texts = self.texts
        if debit is None or credit is None or type(self.posted_on) is dt.datetime:
            return Record(  # validated: says what is wrong with the value
                ledger_file_id=ledger_file_id,
                row_number=self.row,
                posted_on=self.posted_on,
                account=texts.get("account", ""),
                account_name=texts.get("account_name", ""),
                description=texts.get("description", ""),
                reference=texts.get("reference", ""),
                journal=texts.get("journal", ""),
                debit=self.debit,
                credit=self.credit,
                currency=self.currency,
                attributes=self.attributes,
            )
        # the checks `Record` makes, made here: a million lines skip its per-field guard
        return trusted_record(
            ledger_file_id,
            self.row,
            self.posted_on,
            texts.get("account", ""),
            texts.get("account_name", ""),
            texts.get("description", ""),
            texts.get("reference", ""),
            texts.get("journal", ""),
            debit,
            credit,
            self.currency,
            self.attributes,  # the line's own dict: the record takes it over
        )


def _record_amount(value: Decimal) -> Decimal | None:
    """`value` in canonical form when `Record` would take it as it is, else None."""
    if type(value) is not Decimal or not value.is_finite() or value < _ZERO:
        return None
    return _ZERO_CANONICAL if not value else canonical_amount(value)


def currency_code(text: str) -> str:
    """`CURRENCY::USD` -> `USD`, `$` -> `USD`, `eur` -> `EUR`; other text unchanged."""
    text = text.strip()
    match = _PREFIXED.match(text)
    if match:
        text = match.group("code")
    return _SYMBOLS.get(text, text.upper() if text.isalpha() and len(text) == 3 else text)


def _first_text(cells: Sequence[Cell], columns: tuple[int, ...]) -> str:
    width = len(cells)
    for column in columns:
        if column < width:
            cell = cells[column]
            if text := (cell.strip() if type(cell) is str else cell_text(cell)):  # cell_text's own
                return text
    return ""


class LineBuilder:
    """Builds `Line`s from ledger rows with one `ColumnMap` and one set of `ValueRules`."""

    def __init__(self, columns: ColumnMap, rules: ValueRules) -> None:
        from normalizer.values.amounts import parse_amount
        from normalizer.values.dates import parse_date
        from normalizer.values.sides import parse_side

        self.columns = columns
        self.rules = rules
        self._parse_amount = parse_amount
        self._parse_date = parse_date
        self._parse_side = parse_side
        # Looked up once: `build` runs for every row.
        self._text_columns = tuple((name, columns.columns(name)) for name in TEXT_FIELDS)
        self._currency_columns = columns.columns("currency")
        self._amount_columns = tuple(c for n in ("debit", "credit", "amount") for c in columns.columns(n))
        self._attribute_names = tuple((column, columns.names[column]) for column in columns.attributes)
        # a side summed from several columns can outgrow what each checked cell fits (a single
        # cell was checked by `_amount`; one debit and one credit by `_debit_credit`)
        self._summed = any(len(columns.columns(n)) > 1 for n in ("debit", "credit", "amount"))

    def build(self, row: RowLike) -> tuple[Line | None, list[Issue]]:
        cells = row.cells
        issues: list[Issue] = []
        amounts = self._amounts(row, issues)
        if amounts is None:
            return None, issues
        debit, credit, parsed_currency = amounts
        if self._summed and (reason := oversized(debit) or oversized(credit)) is not None:
            issues.append(self._issue(row, self._amount_columns[0], reason, code="invalid-amount"))
            return None, issues
        texts = {name: _first_text(cells, found) for name, found in self._text_columns}
        currency_text = _first_text(cells, self._currency_columns)
        currency = currency_code(currency_text or parsed_currency or self.rules.currency)
        line = Line(
            row=row.number,
            texts=texts,
            posted_on=self._date(row, issues),
            debit=debit,
            credit=credit,
            currency=currency,
            attributes=self._attributes(cells),
        )
        return line, issues

    def _attributes(self, cells: Sequence[Cell]) -> dict[str, str]:
        out = {}
        width = len(cells)
        for column, name in self._attribute_names:
            if column < width:
                cell = cells[column]
                if text := (cell.strip() if type(cell) is str else cell_text(cell)):
                    out[name] = text
        return out

    def _issue(
        self, row: RowLike, column: int, message: str, severity: Any = "error", code: str = "invalid"
    ) -> Issue:
        raw = cell_text(cell_at(row.cells, column))
        return Issue(
            row=row.number,
            column=self.columns.names[column],
            raw=raw,
            message=message,
            severity=severity,
            code=code,
        )

    def _amount(
        self, row: RowLike, column: int, issues: list[Issue]
    ) -> tuple[Decimal | None, str | None, bool]:
        """(value, currency, ok) of one amount cell; empty cells give (None, None, True)."""
        cell = cell_at(row.cells, column)
        if is_blank(cell):
            return None, None, True
        parsed = self._parse_amount(cell, decimal_mark=self.rules.decimal_mark)
        if parsed.error is not None or parsed.value is None:
            issues.append(self._issue(row, column, parsed.error or "not an amount", code="invalid-amount"))
            return None, None, False
        value = parsed.value.scaleb(self.rules.amount_scale) if self.rules.amount_scale else parsed.value
        if (reason := oversized(value)) is not None:
            issues.append(self._issue(row, column, reason, code="invalid-amount"))
            return None, None, False
        return value, parsed.currency, True

    def _sum(self, row: RowLike, name: str, issues: list[Issue]) -> tuple[Decimal | None, str | None, bool]:
        total: Decimal | None = None
        currency = None
        ok = True
        for column in self.columns.columns(name):
            value, cur, good = self._amount(row, column, issues)
            ok = ok and good
            if value is not None:
                total = value if total is None else total + value
                currency = currency or cur
        return total, currency, ok

    def _amounts(self, row: RowLike, issues: list[Issue]) -> tuple[Decimal, Decimal, str | None] | None:
        if self.rules.model == "debit_credit":
            return self._debit_credit(row, issues)
        return self._signed(row, issues)

    def _debit_credit(self, row: RowLike, issues: list[Issue]) -> tuple[Decimal, Decimal, str | None] | None:
        debit, cur_d, ok_d = self._sum(row, "debit", issues)
        credit, cur_c, ok_c = self._sum(row, "credit", issues)
        if not (ok_d and ok_c):
            return None
        if debit is None and credit is None:
            return self._no_amount(row, issues)
        d, c = _split(debit or _ZERO, credit or _ZERO)
        # a debit and a negative credit add up on one side: the sum may outgrow a record
        both = not self._summed and debit is not None and credit is not None
        if both and (reason := oversized(d) or oversized(c)) is not None:
            issues.append(self._issue(row, self._amount_columns[0], reason, code="invalid-amount"))
            return None
        return d, c, cur_d or cur_c

    def _signed(self, row: RowLike, issues: list[Issue]) -> tuple[Decimal, Decimal, str | None] | None:
        """One amount column, its sign read by the profile's convention or by a side flag."""
        model = self.rules.model
        amount, cur, ok = self._sum(row, "amount", issues)
        if not ok:
            return None
        if amount is None:
            return self._no_amount(row, issues)
        if model == "signed":
            is_debit = self.rules.positive == "debit"
        else:
            side = self._side(row, issues)
            if side is None:
                return None
            is_debit = side == "debit"
        signed = amount if is_debit else -amount
        d, c = _split(signed, _ZERO)
        return d, c, cur

    def _side(self, row: RowLike, issues: list[Issue]) -> str | None:
        columns = self.columns.columns("side")
        raw = cell_at(row.cells, columns[0]) if columns else ""
        side = self._parse_side(raw, self.rules.side_tokens or None)
        if side is None:
            message = (
                "the debit/credit flag is missing"
                if is_blank(raw)
                else "the debit/credit flag is not understood"
            )
            issues.append(self._issue(row, columns[0], message, code="invalid-side"))
        return side

    def _no_amount(self, row: RowLike, issues: list[Issue]) -> tuple[Decimal, Decimal, str | None] | None:
        raw = " | ".join(t for c in row.cells if (t := cell_text(c)))
        issues.append(
            Issue(row=row.number, column=None, raw=raw, message="the row has no amount", code="no-amount")
        )
        return None

    def _date(self, row: RowLike, issues: list[Issue]) -> dt.date | None:
        columns = self.columns.columns("posted_on")
        if not columns:
            return None
        cell = cell_at(row.cells, columns[0])
        if is_blank(cell):
            return None
        rules = self.rules
        parsed = self._parse_date(
            cell, order=rules.date_order, pattern=rules.date_pattern, default_year=rules.default_year
        )
        if parsed.error is not None or parsed.value is None:
            message = f"{parsed.error or 'not a date'}; the record has no date"
            issues.append(self._issue(row, columns[0], message, severity="warning", code="invalid-date"))
            return None
        value: dt.date = parsed.value
        if rules.year_start is not None and value < rules.year_start:
            value = _next_year(value)
        return value


def _next_year(value: dt.date) -> dt.date:
    try:
        return value.replace(year=value.year + 1)
    except ValueError:  # 29 February
        return value.replace(year=value.year + 1, day=28)


def _split(debit: Decimal, credit: Decimal) -> tuple[Decimal, Decimal]:
    """Debit and credit, never negative: a negative debit is a credit and vice versa."""
    d = c = _ZERO
    for value, is_debit in ((debit, True), (credit, False)):
        if (value >= 0) == is_debit:
            d += abs(value)
        else:
            c += abs(value)
    return d, c

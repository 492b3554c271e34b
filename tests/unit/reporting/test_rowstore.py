"""The compact row store: rows as columns, the same cells and the same bytes as tuple rows."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reporting
from normalizer.record import Record
from reporting.gl_detail import OPENING
from reporting.renderers import render_to
from reporting.renderers.xlsx_format import render_xlsx, write_xlsx
from reporting.renderers.xlsx_sheet import MAX_SHEET_ROWS
from reporting.rowstore import AmountColumn, CodedColumn, IntColumn, StringBuilder, TextColumn
from reporting.selection import account_key
from reporting.table import ColumnarRows, Row, Section, Table
from tests.unit.reporting.ledger import SOURCE, ledger, line

TEXTS = ["plain", "", "ünïcødé € 😀", "nul\x00inside", "two\r\nlines", "=SUM(A1)", "  spaces  "]
AMOUNTS = ["1.000", "-0.00", "0.125", "12345678901234567.89", "5", "1E+3", "-42.10"]


def _store(*parts: list[Any]) -> Any:
    builder = StringBuilder()
    for part in parts:
        builder.extend(part)
    return builder.finish()


def test_texts_come_back_as_they_went_in_nulls_included() -> None:
    texts: list[str | None] = [*TEXTS, None, "after a null"]
    column = TextColumn(_store(texts[:3], texts[3:]))
    assert len(column) == len(texts)
    assert column.values(0, len(texts)) == texts
    assert column.values(2, 5) == texts[2:5]


def test_amounts_come_back_as_the_very_decimals_exponent_and_sign_included() -> None:
    amounts = [Decimal(text) for text in AMOUNTS]
    column = AmountColumn(_store([str(amount) for amount in amounts] + [None]))
    back = column.values(0, len(amounts) + 1)
    assert back[-1] is None
    assert [str(value) for value in back[:-1]] == [str(amount) for amount in amounts]
    assert [value.as_tuple() for value in back[:-1]] == [amount.as_tuple() for amount in amounts]  # type: ignore[union-attr]


def test_ints_with_missing_cells_and_coded_values_through_an_index() -> None:
    index = np.array([3, 0, 2, 1], dtype=np.int32)
    ints = IntColumn(np.array([10, 20, 30, 40]), np.array([False, True, False, False]), index)
    assert ints.values(0, 4) == [40, 10, 30, None]
    days = CodedColumn("date", [None, dt.date(2025, 1, 31)], np.array([0, 1, 1, 1], dtype=np.int16), index)
    assert days.values(1, 3) == [None, dt.date(2025, 1, 31)]


def _rows() -> tuple[ColumnarRows, tuple[Row, ...]]:
    index = np.array([2, 0, 1], dtype=np.int64)
    rows = ColumnarRows(
        (
            TextColumn(_store(["a", "b", "c"]), index),
            AmountColumn(_store(["1.50", "-2.000", None]), index),
            IntColumn(np.array([7, 8, 9]), None, index),
        )
    )
    return rows, (("c", None, 9), ("a", Decimal("1.50"), 7), ("b", Decimal("-2.000"), 8))


def test_columnar_rows_are_a_sequence_equal_to_the_tuple_of_its_rows() -> None:
    rows, expected = _rows()
    assert rows == expected and expected == rows and rows == rows[:]
    assert rows != expected[:2] and rows != list(expected)
    assert len(rows) == 3 and list(rows) == list(expected) and tuple(rows) == expected
    assert rows[0] == expected[0] and rows[-1] == expected[-1]
    with pytest.raises(IndexError):
        rows[3]
    assert rows[1:] == expected[1:] and isinstance(rows[1:], ColumnarRows)
    assert rows[1:][1:] == expected[2:] and rows[5:] == () and rows[::2] == expected[::2]
    assert rows.column_slice(1, 3) == [["a", "b"], [Decimal("1.50"), Decimal("-2.000")], [7, 8]]
    assert rows.kinds == ("text", "amount", "int")


def test_a_section_checks_the_kinds_of_its_columns() -> None:
    rows, _ = _rows()
    columns = (reporting.Column("t", "text"), reporting.Column("a", "amount"), reporting.Column("i", "int"))
    assert Section(title="s", columns=columns, rows=rows).rows is rows
    with pytest.raises(TypeError, match="kinds"):
        Section(title="s", columns=columns[::-1], rows=rows)


def _as_tuples(table: Table) -> Table:
    sections = tuple(dataclasses.replace(section, rows=tuple(section.rows)) for section in table.sections)
    return dataclasses.replace(table, sections=sections)


def _tricky() -> list[Record]:
    records = list(ledger())
    for index, text in enumerate(TEXTS):
        amount = AMOUNTS[index % len(AMOUNTS)].replace("-", "").replace("E+3", "000")
        records.append(
            line(100 + index, "2025-04-01", f"T{index}", "7000", "Tricky", debit=amount, description=text)
        )
        records.append(line(200 + index, None, text, "7100", text or "Blank", credit="0.001", reference=text))
    return records


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
@pytest.mark.parametrize("range_", [{}, {"date_from": "2025-02-01"}, {"date_to": "2025-02-28"}])
def test_gl_detail_as_columns_renders_the_bytes_of_the_same_rows_as_tuples(
    fmt: str, range_: Any, tmp_path: Path
) -> None:
    table = reporting.gl_detail(_tricky(), source=SOURCE, **range_)
    assert isinstance(table.rows, ColumnarRows)
    expected = reporting.render(_as_tuples(table), fmt)
    assert reporting.render(table, fmt) == expected
    with (tmp_path / f"out.{fmt}").open("wb") as out:
        render_to(table, fmt, out)
    assert (tmp_path / f"out.{fmt}").read_bytes() == expected


def test_gl_detail_as_columns_splits_over_sheets_as_tuples_do() -> None:
    table = reporting.gl_detail(_tricky(), source=SOURCE)
    assert render_xlsx(table, max_sheet_rows=5) == render_xlsx(_as_tuples(table), max_sheet_rows=5)


def test_the_zip64_retry_rewrites_a_streamed_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from reporting.renderers import xlsx_format

    table = reporting.gl_detail(_tricky(), source=SOURCE)
    whole = render_xlsx(table)
    monkeypatch.setattr(xlsx_format, "ZIP32_LIMIT", 1000)  # every sheet is "too large"
    retried = render_xlsx(table)
    assert retried != whole
    out = io.BytesIO()
    write_xlsx(table, out)
    assert out.getvalue() == retried
    with zipfile.ZipFile(io.BytesIO(retried)) as archive:
        assert archive.testzip() is None


@pytest.mark.slow
def test_a_columnar_section_past_excels_limit_continues_on_a_second_sheet() -> None:
    count = MAX_SHEET_ROWS + 9  # header + 1,048,575 rows on the first sheet, 10 on the second
    codes = (np.arange(count) % 3).astype(np.int8)
    rows = ColumnarRows(
        (
            CodedColumn("text", ["a", "b", "c"], codes),
            CodedColumn("int", [0, 1, 2], codes),
        )
    )
    section = Section(
        title="detail", columns=(reporting.Column("t", "text"), reporting.Column("n", "int")), rows=rows
    )
    provenance = reporting.Provenance(report="big", parameters=(), sources=(("ledger", SOURCE),))
    data = render_xlsx(Table(sections=(section,), provenance=provenance))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        first = archive.read("xl/worksheets/sheet1.xml")
        second = archive.read("xl/worksheets/sheet2.xml").decode()
        names = re.findall(r'<sheet name="([^"]+)"', archive.read("xl/workbook.xml").decode())
        notes = archive.read("xl/worksheets/sheet3.xml").decode()
    assert names == ["Detail", "Detail (2)", "Provenance"]
    assert b'<dimension ref="A1:B1048576"/>' in first and first.count(b"<row ") == MAX_SHEET_ROWS
    assert second.count("<row ") == 11 and '<dimension ref="A1:B11"/>' in second
    last = count - 1  # the last row's code: the second sheet ends with it
    assert f'<c r="A11" t="inlineStr"><is><t>{"abc"[last % 3]}</t></is></c>' in second
    assert "detail rows 1-1048575 of 1048585" in notes and "detail rows 1048576-1048585 of 1048585" in notes


def _reference_gl_detail(
    records: list[Record], start: dt.date | None, end: dt.date | None
) -> tuple[Row, ...]:
    """gl-detail's rows as the tuple-building code before the row store worked them out."""
    bounded = start is not None or end is not None
    opening: dict[tuple[str, str], Decimal] = {}
    names: dict[tuple[str, str], str] = {}
    lines: dict[tuple[str, str], list[Record]] = {}
    for record in records:
        key = (record.account, record.currency)
        if not names.get(key):
            names[key] = record.account_name
        day = record.posted_on
        if start is not None and day is not None and day < start:
            opening[key] = opening.get(key, Decimal("0.00")) + record.debit - record.credit
        elif (day is None and not bounded) or (
            day is not None and (start is None or day >= start) and (end is None or day <= end)
        ):
            lines.setdefault(key, []).append(record)
    rows: list[Row] = []
    for key in sorted(opening.keys() | lines.keys(), key=lambda key: (account_key(key[0]), key[1], key[0])):
        balance = opening.get(key, Decimal("0.00"))
        if key not in lines and balance == 0:
            continue
        rows.append((*key[:1], names[key], key[1], start, None, "", "", OPENING, None, None, balance))
        ordered = sorted(
            lines.get(key, ()),
            key=lambda r: (r.posted_on is not None, r.posted_on or dt.date.min, r.row_number),
        )
        for record in ordered:
            balance = balance + record.debit - record.credit
            rows.append(
                (key[0], names[key], key[1], record.posted_on, record.row_number, record.journal,
                 record.reference, record.description, record.debit, record.credit, balance)
            )  # fmt: skip
    return tuple(rows)


_DAYS = st.one_of(st.none(), st.dates(dt.date(2025, 1, 1), dt.date(2025, 1, 6)))
_RECORDS = st.lists(
    st.tuples(
        st.integers(1, 5),  # row number: repeats on purpose (ties keep ledger order)
        _DAYS,
        st.sampled_from(["10", "9", "010", "61-2", "61-10"]),
        st.sampled_from(["USD", "EUR"]),
        st.sampled_from(["", "Cash", "Bank"]),
        st.sampled_from(["0.00", "1.5", "0.125", "100.00", "2"]),
        st.text(max_size=3),
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(_RECORDS, _DAYS, _DAYS)
def test_gl_detail_rows_are_those_of_the_tuple_code_in_the_same_stable_order(
    specs: list[Any], start: dt.date | None, end: dt.date | None
) -> None:
    if start is not None and end is not None and start > end:
        start, end = end, start
    records = [
        line(row, day.isoformat() if day else None, text, account, name, debit=amount, credit="0.00",
             currency=currency, description=f"{index}", reference=text)
        for index, (row, day, account, currency, name, amount, text) in enumerate(specs)
    ]  # fmt: skip
    table = reporting.gl_detail(records, date_from=start, date_to=end, source=SOURCE)
    expected = _reference_gl_detail(records, start, end)
    assert table.rows == expected
    assert [str(cell) for row in table.rows for cell in row] == [
        str(cell) for row in expected for cell in row
    ]

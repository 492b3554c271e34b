"""The streaming XLSX writer: read back by two readers to the CSV's values, split sheets, bytes.

The workbook is read with openpyxl and with python-calamine (the reader Excel's own escaping
rules are closest to), and every cell compared with the CSV render of the same table.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from hypothesis import given
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

import reporting
from reporting.renderers import xlsx_format, xlsx_package, xlsx_sheet
from reporting.renderers.cells import amount_text
from reporting.renderers.xlsx_format import render_xlsx
from reporting.table import Cell, Column, ColumnKind, Section, Table
from tests.unit.reporting.ledger import SOURCE, ledger, line

TRICKY_TEXT = [
    "  spaces either side  ",
    "two\r\nlines",
    "a lone\rreturn",
    "tab\tinside",
    "a & b <c> d",
    "quote \"x\" 'y'",
    "ünïcødé € 😀",
    "x\u2028y",
    "=SUM(A1)",
    "-1+1",
    "_x0041_ is not A",
    "",
]


def _tricky_ledger() -> list[Any]:
    records = list(ledger())
    amounts = ["12345678901234567.89", "0.001", "98765.4321", "1000000.00", "0.10"]
    row = 100
    for index, text in enumerate(TRICKY_TEXT):
        amount = amounts[index % len(amounts)]
        records.append(line(row, "2025-04-01", f"T{index}", "7000", "Tricky", debit=amount, description=text))
        records.append(line(row + 1, "1900-02-28", f"T{index}", "7100", text or "Blank", credit=amount))
        row += 2
    return records


def _tables() -> list[Table]:
    records = _tricky_ledger()
    return [
        reporting.gl_detail(records, source=SOURCE),
        reporting.period_summary(records, source=SOURCE),
        reporting.trial_balance(records, source=SOURCE),
    ]


def _csv_sections(table: Table) -> list[list[list[str]]]:
    """The CSV render's sections (header and rows), provenance last, without their titles."""
    rows = list(csv.reader(io.StringIO(reporting.render(table, "csv").decode("utf-8"), newline="")))
    sections: list[list[list[str]]] = [[]]
    title_next = False
    for row in rows:
        if not row:
            sections.append([])
            title_next = True
        elif title_next:
            title_next = False
        else:
            sections[-1].append(row)
    return sections


def _as_csv_text(kind: ColumnKind | str, value: Any) -> str:
    """A cell as a reader gave it, as the CSV renderer would write the value it stands for."""
    if value is None or value == "":
        return ""
    if kind == "date":
        return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
    if kind == "int" or (kind == "value" and isinstance(value, float)):  # calamine: all floats
        assert float(value).is_integer()
        return str(int(value))
    return str(value)


def _same_cell(kind: ColumnKind | str, csv_text: str, value: Any) -> bool:
    if kind == "amount" and csv_text:
        # A reader sees a double: the one nearest the exact amount, never a rounded amount's.
        return isinstance(value, float) and value == float(Decimal(csv_text))
    return _as_csv_text(kind, value) == csv_text


def _read_openpyxl(data: bytes) -> dict[str, list[tuple[Any, ...]]]:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return {name: list(workbook[name].iter_rows(values_only=True)) for name in workbook.sheetnames}


def _read_calamine(data: bytes) -> dict[str, list[list[Any]]]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names}


@pytest.mark.parametrize("reader", ["openpyxl", "calamine"])
@pytest.mark.parametrize("report", range(3))
def test_the_workbook_reads_back_to_the_values_of_the_csv(reader: str, report: int) -> None:
    table = _tables()[report]
    data = reporting.render(table, "xlsx")
    sheets = _read_openpyxl(data) if reader == "openpyxl" else _read_calamine(data)
    csv_sections = _csv_sections(table)
    assert list(sheets) == [*(s.title.capitalize() for s in table.sections), "Provenance"]
    kinds_of = [[c.kind for c in section.columns] for section in table.sections]
    for kinds, csv_rows, rows in zip(
        [*kinds_of, ["text", "value"]], csv_sections, sheets.values(), strict=True
    ):
        assert len(rows) == len(csv_rows)
        assert [str(cell) for cell in rows[0]] == csv_rows[0]
        for csv_row, read in zip(csv_rows[1:], rows[1:], strict=True):
            row = [*read, *[None] * (len(csv_row) - len(read))]  # calamine trims a row's empty end
            for kind, csv_text, value in zip(kinds, csv_row, row, strict=True):
                if reader == "openpyxl" and "_x" in csv_text:
                    # openpyxl does not undo the _xHHHH_ escape of inline strings (Excel does).
                    assert value == csv_text.replace("_x0041_", "_x005F_x0041_")
                    continue
                assert _same_cell(kind, csv_text, value), (kind, csv_text, value)


def test_amounts_are_stored_as_their_exact_decimal_text() -> None:
    data = reporting.render(_tables()[0], "xlsx")
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<v>12345678901234567.89</v>" in sheet  # no float digits: 1.234567890123457e+16
    assert "<v>98765.4321</v>" in sheet and "<v>0.001</v>" in sheet
    assert not re.search(r"<v>[^<]*e[^<]*</v>", sheet)


def _one_column(kind: ColumnKind, *values: Cell) -> Table:
    section = Section(title="x", columns=(Column("n", kind),), rows=tuple((value,) for value in values))
    return Table(sections=(section,), provenance=reporting.Provenance(report="r", parameters=(), sources=()))


def test_negative_zero_is_zero_and_a_non_finite_amount_is_refused_as_in_csv() -> None:
    data = render_xlsx(_one_column("amount", Decimal("-0.00"), Decimal("-5"), Decimal("1E+3")))
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert re.findall(r"<v>([^<]*)</v>", sheet) == ["0.00", "-5.00", "1000.00"]
    for bad in ("NaN", "Infinity"):
        with pytest.raises(ValueError, match="finite"):
            reporting.render(_one_column("amount", Decimal(bad), Decimal(bad)), "csv")
        with pytest.raises(ValueError, match="finite"):
            reporting.render(_one_column("amount", Decimal(bad), Decimal(bad)), "xlsx")


def _period_summary() -> Table:
    return reporting.period_summary(_tricky_ledger(), source=SOURCE)


def test_a_long_section_continues_on_further_sheets_under_the_same_header() -> None:
    table = _period_summary()
    whole = _read_openpyxl(reporting.render(table, "xlsx"))
    split_data = render_xlsx(table, max_sheet_rows=4)
    split = _read_openpyxl(split_data)
    count = len(table.main.rows) + len(table.main.totals)
    sheets = [f"Periods{f' ({n})' if n > 1 else ''}" for n in range(1, -(-count // 3) + 1)]
    assert list(split) == [*sheets, "Provenance"]
    header = whole["Periods"][0]
    assert all(split[name][0] == header for name in sheets)
    assert all(len(split[name]) <= 4 for name in sheets)
    assert [row for name in sheets for row in split[name][1:]] == whole["Periods"][1:]
    provenance = dict(split["Provenance"][1:])
    for number, name in enumerate(sheets):
        first, last = 3 * number + 1, min(3 * number + 3, count)
        assert provenance[f"sheet.{name}"] == f"periods rows {first}-{last} of {count}"
    assert "sheet.Periods" not in dict(whole["Provenance"][1:])  # one sheet: nothing to say


def test_a_split_sheet_keeps_styles_freeze_and_widths() -> None:
    table = _period_summary()
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(table, max_sheet_rows=4)))
    first, last = workbook.worksheets[0], workbook.worksheets[-2]
    for sheet in (first, last):
        assert sheet.freeze_panes == "A2" and all(cell.font.b for cell in sheet[1])
        assert [sheet.column_dimensions[c].width for c in "ABC"] == [
            first.column_dimensions[c].width for c in "ABC"
        ]
    totals = list(last.iter_rows())[-1]
    assert totals[0].value == "Total" and all(cell.font.b for cell in totals)
    assert not any(cell.font.b for cell in list(first.iter_rows())[1])
    assert first.sheet_view.tabSelected and not last.sheet_view.tabSelected


def test_a_sheet_limit_without_room_for_a_row_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one row"):
        render_xlsx(_period_summary(), max_sheet_rows=1)


@pytest.mark.parametrize("limit", [None, 5])
def test_the_same_table_gives_the_same_bytes(limit: int | None) -> None:
    def render() -> bytes:
        table = reporting.gl_detail(_tricky_ledger(), source=SOURCE)
        return render_xlsx(table) if limit is None else render_xlsx(table, max_sheet_rows=limit)

    first = render()
    assert render() == first
    archive = zipfile.ZipFile(io.BytesIO(first))
    assert archive.namelist()[0] == "[Content_Types].xml"
    assert {(info.date_time, info.create_system, info.external_attr) for info in archive.infolist()} == {
        ((1980, 1, 1, 0, 0, 0), 3, 0o644 << 16)
    }
    assert archive.testzip() is None


def test_a_sheet_past_the_zip32_limit_is_written_again_with_zip64(monkeypatch: pytest.MonkeyPatch) -> None:
    table = reporting.gl_detail(_tricky_ledger(), source=SOURCE)
    plain = render_xlsx(table)
    monkeypatch.setattr(xlsx_format, "ZIP32_LIMIT", 2_000)
    large = render_xlsx(table)
    assert large != plain
    assert _read_openpyxl(large) == _read_openpyxl(plain)
    assert render_xlsx(table) == large
    sizes = {info.filename: info.file_size for info in zipfile.ZipFile(io.BytesIO(large)).infolist()}
    assert sizes["xl/worksheets/sheet1.xml"] > 2_000 and sizes["xl/worksheets/sheet2.xml"] < 2_000


# -- widths: the same as the openpyxl renderer's, worked out cell by cell -----------------------


def _display_length(value: Cell) -> int:
    """The openpyxl renderer's display length of one cell (kept here as the reference)."""
    if value is None:
        return 0
    if isinstance(value, Decimal):
        text = amount_text(value)
        whole = text.lstrip("-").split(".")[0]
        return len(text.split(".")[0]) + (len(whole) - 1) // 3 + 3
    if isinstance(value, dt.date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0) + 1


def _reference_widths(section: Section) -> tuple[float, ...]:
    widths = [len(name) for name in section.column_names]
    for row in (*section.rows, *section.totals):
        for index, value in enumerate(row):
            widths[index] = max(widths[index], _display_length(value))
    return tuple(float(min(max(width + 2, 8), 60)) for width in widths)


_AMOUNTS = st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-(10**12), max_value=10**12)
_TEXTS = st.text(st.characters(codec="utf-8"), max_size=70)
_ROWS = st.lists(
    st.tuples(
        st.none() | _TEXTS,
        st.none() | _AMOUNTS,
        st.none() | st.integers(min_value=-(10**15), max_value=10**15),
        st.none() | st.dates(),
    ),
    max_size=30,
)


@given(rows=_ROWS, totals=_ROWS)
def test_column_widths_are_the_cell_by_cell_display_lengths(rows: list[Any], totals: list[Any]) -> None:
    columns = (Column("t", "text"), Column("amount", "amount"), Column("i", "int"), Column("d", "date"))
    section = Section(title="x", columns=columns, rows=tuple(rows), totals=tuple(totals))
    assert xlsx_format._widths(section) == _reference_widths(section)


def test_text_xml_cannot_carry_is_replaced_in_values_and_sheet_stays_readable() -> None:
    records = [dataclasses.replace(r, description="nul\x00 and \ufffe") for r in ledger()]
    rows = _read_calamine(reporting.render(reporting.gl_detail(records, accounts="4000"), "xlsx"))["Detail"]
    assert any(row[7] == "nul\ufffd and \ufffd" for row in rows[1:])


def test_an_error_while_deflating_reaches_the_caller_and_nothing_hangs() -> None:
    class Full(io.BytesIO):
        full = True

        def write(self, data: Any) -> int:
            if self.full and self.tell() + len(data) > 50_000:
                raise OSError("no space left")
            return super().write(data)

    table = reporting.gl_detail(_tricky_ledger() * 200, source=SOURCE)
    target = Full()
    archive = zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED)
    with (
        pytest.raises(OSError, match="no space left"),
        xlsx_package.open_entry(archive, "sheet.xml", large=False) as out,
    ):
        xlsx_sheet.write_sheet(
            out,
            header=table.main.column_names,
            kinds=[column.kind for column in table.main.columns],
            widths=xlsx_format._widths(table.main),
            segments=((table.main.rows, False),),
            selected=True,
            limit=None,
        )
    target.full = False
    archive.close()

"""CSV, JSON and XLSX renderers: types, formats, formula neutralising, reproducible bytes."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import zipfile

import openpyxl  # type: ignore[import-untyped]
import pytest

import reporting
from reporting.renderers.cells import neutralize
from tests.unit.reporting.ledger import CALC, FIXTURES, HYPERLINK, SOURCE, ledger


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=1", "a=1"),
        ("", ""),
        ("'quoted", "'quoted"),
    ],
)
def test_neutralize(text: str, expected: str) -> None:
    assert neutralize(text) == expected


def _gl() -> reporting.Table:
    return reporting.gl_detail(ledger(), accounts="1210,4000", source=SOURCE)


def test_csv_neutralises_text_and_leaves_amounts_as_numbers() -> None:
    data = reporting.render(_gl(), "csv")
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert rows[0][:4] == ["account", "account_name", "currency", "posted_on"]
    hyperlink = next(row for row in rows if row[:1] == ["1210"] and row[4] == "12")
    assert hyperlink[1] == "'" + HYPERLINK
    assert hyperlink[7] == "'" + CALC
    sales = next(row for row in rows if row[:1] == ["4000"] and row[4] == "13")
    assert sales[7] == "'-1+1"  # text that looks like arithmetic is neutralised
    assert sales[3] == "2025-03-31"
    assert sales[10] == "-100.00"  # a negative amount stays a plain number


def test_json_keeps_text_as_is_and_amounts_as_strings() -> None:
    document = json.loads(reporting.render(_gl(), "json"))
    (section,) = document["sections"]
    assert section["columns"]["balance"] == "amount"
    row = next(row for row in section["rows"] if row["row_number"] == 12)
    assert row["account_name"] == HYPERLINK
    assert row["description"] == CALC
    assert row["debit"] == "100.00" and row["posted_on"] == "2025-03-31"
    opening = section["rows"][0]
    assert opening["row_number"] is None and opening["debit"] is None and opening["balance"] == "0.00"
    assert document["provenance"]["sources"][0]["ledger_file_id"] == 1


def _workbook(table: reporting.Table) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(reporting.render(table, "xlsx")))


def test_xlsx_cells_have_types_formats_and_a_frozen_bold_header() -> None:
    workbook = _workbook(_gl())
    assert workbook.sheetnames == ["Detail", "Provenance"]
    sheet = workbook["Detail"]
    assert sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    assert header == [c.name for c in _gl().columns]
    assert all(cell.font.b for cell in sheet[1])
    rows = list(sheet.iter_rows(min_row=2))
    line_12 = next(row for row in rows if row[4].value == 12)
    assert line_12[1].value == "'" + HYPERLINK and line_12[1].data_type == "s"
    assert line_12[7].value == "'" + CALC
    assert line_12[3].value == dt.datetime(2025, 3, 31) and line_12[3].is_date
    assert line_12[3].number_format == "yyyy-mm-dd"
    assert line_12[8].value == 100 and line_12[8].data_type == "n"
    assert line_12[8].number_format == "#,##0.00"
    line_13 = next(row for row in rows if row[4].value == 13)
    assert line_13[10].value == -100 and line_13[10].data_type == "n"  # negative stays a number
    assert line_13[10].number_format == "#,##0.00"
    assert line_13[4].number_format == "0"
    widths = [sheet.column_dimensions[letter].width for letter in "ABH"]
    assert widths[0] == 9 and widths[1] > 30 and widths[2] >= 17  # account, long name, description


def test_xlsx_totals_rows_are_bold_and_amounts_exact() -> None:
    workbook = _workbook(reporting.period_summary(ledger()))
    sheet = workbook["Periods"]
    last = list(sheet.iter_rows())[-1]
    assert [cell.value for cell in last[:3]] == ["Total", None, "USD"]
    assert last[5].value == 10 and all(cell.font.b for cell in last)
    first = list(sheet.iter_rows())[1]
    assert first[3].value == 1234.56 and not first[3].font.b


def test_xlsx_provenance_sheet() -> None:
    mapping = reporting.CostMapping.load(FIXTURES / "mapping.toml")
    workbook = _workbook(reporting.cost_summary(ledger(), mapping, rate="15%", source=SOURCE))
    assert workbook.sheetnames == ["Categories", "Totals", "Accounts", "Provenance"]
    sheet = workbook["Provenance"]
    items = {row[0].value: row[1].value for row in sheet.iter_rows(min_row=2)}
    assert items["report"] == "cost-summary"
    assert items["parameter.rate"] == "0.15"
    assert items["parameter.mapping"] == "mapping.toml"
    assert items["ledger_file_id"] == 1 and items["fiscal_year"] == 2025 and items["record_count"] == 12
    assert items["records_sha256"] == "9a444bceb676013badebe556325a869c6098316999dca5cce060fcaa1e7fe7e4"
    assert "tier" not in items
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b


def test_xlsx_bytes_do_not_depend_on_when_they_are_made(monkeypatch: pytest.MonkeyPatch) -> None:
    first = reporting.render(_gl(), "xlsx")

    class Later(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> Later:
            return cls(2031, 7, 4, 12, 0, 0, tzinfo=tz)

    monkeypatch.setattr(dt, "datetime", Later)
    monkeypatch.setattr("time.time", lambda: 1_950_000_000.0)
    assert reporting.render(_gl(), "xlsx") == first
    archive = zipfile.ZipFile(io.BytesIO(first))
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    core = archive.read("docProps/core.xml").decode()
    assert '<dcterms:created xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z' in core
    assert '<dcterms:modified xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z' in core


def test_text_xml_cannot_carry_is_replaced_not_refused() -> None:
    records = ledger()
    records[0] = dataclasses.replace(records[0], description="bell\x07")
    sheet = _workbook(reporting.gl_detail(records, accounts="4000"))["Detail"]
    assert any(row[7].value == "bell\ufffd" for row in sheet.iter_rows(min_row=2))


def test_unknown_format_is_refused() -> None:
    with pytest.raises(reporting.ReportParameterError, match="'pdf' is not one of csv, xlsx, json"):
        reporting.render(_gl(), "pdf")


def test_a_cell_of_the_wrong_kind_is_refused() -> None:
    with pytest.raises(TypeError, match="column 'n' \\(amount\\): got float"):
        reporting.Section(title="x", columns=(reporting.Column("n", "amount"),), rows=((1.5,),))  # type: ignore[arg-type]

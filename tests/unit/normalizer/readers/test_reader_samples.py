"""Every real export (fixtures/samples, copied from shared/samples/real) reads with the container,
encoding, delimiter, row count and sheet names checked by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from normalizer.readers import (
    FixedWidthField,
    FixedWidthLayout,
    ReadOptions,
    Workbook,
    read_workbook,
)

SAMPLES = Path(__file__).resolve().parents[4] / "fixtures" / "samples"  # copies of shared/samples/real

pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared samples are not mounted")


def read(name: str, options: ReadOptions | None = None) -> Workbook:
    return read_workbook((SAMPLES / name).read_bytes(), name=name, options=options or ReadOptions())


def detected(workbook: Workbook) -> dict[str, object]:
    return {key: found.value for key, found in workbook.detected.items()}


# file, container, encoding, delimiter, rows (incl. header and preamble), cells in the first row
TEXT_SAMPLES = [
    ("akretion__account_move_generic-fr_coa.csv", "utf-8", ",", 9, 10),
    ("datev-gem__EXTF_Buchungsstapel.csv", "cp1252", ";", 4, 31),
    ("fivetran-intacct__sage_intacct__gl_detail.csv", "utf-8", ",", 11, 35),
    ("hledger__sample.fr.cp1252.csv", "cp1252", ",", 4, 3),
    ("hledger__sample.journal.csv", "utf-8", ",", 12, 14),
    ("ledger-explorer__sample_transaction_data.csv", "utf-8", ",", 2504, 16),
    ("oca-bsi__settlement_detail_report_batch_380.csv", "utf-8", ",", 229, 32),
    ("ofxstatement-austrian__easybank-giro.csv", "latin-1", ";", 10, 6),
    ("slowbooks__qb_check_detail.csv", "utf-8", ",", 27, 10),
    ("slowbooks__qb_transaction_detail_sales_receipts.csv", "utf-8", ",", 19, 17),
]


@pytest.mark.parametrize(("name", "encoding", "delimiter", "rows", "width"), TEXT_SAMPLES)
def test_text_samples(name: str, encoding: str, delimiter: str, rows: int, width: int) -> None:
    workbook = read(name)
    assert workbook.container == "delimited"
    assert detected(workbook) == {"container": "delimited", "encoding": encoding, "delimiter": delimiter}
    (sheet,) = workbook.sheets
    assert sheet.name is None
    assert len(sheet.rows) == rows
    assert len(sheet.rows[0].cells) == width
    assert [row.number for row in sheet.rows] == list(range(1, rows + 1))  # no multi-line cells here
    assert all(isinstance(cell, str) for row in sheet.rows for cell in row.cells)


def test_datev_is_cp1252_with_a_metadata_line_before_the_header() -> None:
    rows = read("datev-gem__EXTF_Buchungsstapel.csv").sheets[0].rows
    assert rows[0].cells[:4] == ("EXTF", "700", "21", "Buchungsstapel")
    assert rows[0].cells[12] == "20180101"  # fiscal-year start, source of Belegdatum's year
    assert rows[1].cells[7] == "Gegenkonto (ohne BU-Schlüssel)"
    assert "Beleginfo – Art 1" in rows[1].cells
    assert len(rows[1].cells) == len(rows[2].cells) == 120
    assert rows[2].cells[:2] == ("24,95", "H")
    assert rows[3].cells[10] == "RE201802-135"


def test_hledger_fr_reads_byte_0x80_as_euro() -> None:
    workbook = read("hledger__sample.fr.cp1252.csv")
    assert workbook.sheets[0].rows[3].cells == ("2012/3/24", "CAFÉ — €20 REÇU", "-20.00")


def test_easybank_is_latin1_and_keeps_the_padding() -> None:
    rows = read("ofxstatement-austrian__easybank-giro.csv").sheets[0].rows
    assert str(rows[3].cells[1]).startswith("Abbuchung Einzugsermächtigung ")
    assert rows[4].cells[4] == "-1.001,00"


def test_gnucash_export_has_crlf_and_2504_rows() -> None:
    data = (SAMPLES / "ledger-explorer__sample_transaction_data.csv").read_bytes()
    assert data.count(b"\r\n") == 2504
    rows = read("ledger-explorer__sample_transaction_data.csv").sheets[0].rows
    assert rows[0].cells[0] == "Date"
    assert rows[2].cells[:3] == ("", "", "")  # continuation split: date and id inherited
    assert rows[2].cells[11:13] == ("-$1,000.00", "-1,000.00")


def test_files_without_a_final_newline_keep_their_last_row() -> None:
    rows = read("fivetran-intacct__sage_intacct__gl_detail.csv").sheets[0].rows
    assert rows[-1].cells[-1] == "TRUE"


def test_quickbooks_report_keeps_preamble_and_spacer_rows() -> None:
    rows = read("slowbooks__qb_transaction_detail_sales_receipts.csv").sheets[0].rows
    assert rows[0].cells[0] == "Sunrise Trailer Sales, Inc."
    assert rows[3].cells[:3] == ("", "Date", "Num")
    assert rows[5].cells[9] == "√"
    spacer = read("slowbooks__qb_check_detail.csv").sheets[0].rows[4]
    assert spacer.cells == (" ", "", "", "", "", "", "", "", "", "")


def test_akretion_xls_numbers_dates_and_account_integers() -> None:
    workbook = read("akretion__account_move_generic-fr_coa.xls")
    assert workbook.container == "xls"
    assert detected(workbook) == {"container": "xls"}
    (sheet,) = workbook.sheets
    assert sheet.name == "account_move_generic-fr_coa"
    assert len(sheet.rows) == 9
    first = sheet.rows[0]
    assert first.number == 1
    assert first.cells[0] == dt.date(2022, 1, 31)
    assert first.cells[2] == Decimal("421000")
    assert str(first.cells[2]) == "421000"
    assert first.cells[7] == Decimal("12042.12")
    assert sheet.rows[2].cells[7] == Decimal(0)


def test_akretion_xlsx_matches_the_xls() -> None:
    xlsx = read("akretion__account_move_generic-fr_coa.xlsx")
    xls = read("akretion__account_move_generic-fr_coa.xls")
    assert xlsx.container == "xlsx"
    assert [s.name for s in xlsx.sheets] == ["account_move_generic-fr_coa"]
    assert xlsx.sheets[0].rows == xls.sheets[0].rows
    assert str(xlsx.sheets[0].rows[0].cells[2]) == "421000"  # stored as 421000.0


def test_uob_xls_header_is_on_row_8_after_a_preamble() -> None:
    workbook = read("reds-importers__ACC_TXN_History_1234_clean.xls")
    (sheet,) = workbook.sheets
    assert sheet.name == "Sheet0"
    assert len(sheet.rows) == 16
    by_number = {row.number: row.cells for row in sheet.rows}
    assert str(by_number[1][0]).startswith("United Overseas Bank Limited")
    assert by_number[5][:2] == ("Account Number:", Decimal(1234567890))
    assert by_number[8] == (
        "Transaction Date",
        "Transaction Description",
        "Withdrawal",
        "Deposit",
        "Available Balance",
    )
    assert by_number[10][:3] == ("16 Jun 2023", "Cash Withdrawal-ATM\nNFC Mobile WDL", Decimal(800))
    assert by_number[9][3] == Decimal("0.12")


def test_sql_acct_workbook_has_three_sheets() -> None:
    workbook = read("sql-acct__general_ledger.xlsx")
    assert [(s.name, len(s.rows)) for s in workbook.sheets] == [
        ("Sheet1", 94),
        ("Sheet2", 81),
        ("Sheet3", 19),
    ]
    journal = workbook.sheets[1]
    assert journal.rows[0].cells == (
        "",
        "Date",
        "P/R",
        "Debit Account",
        "Credit Account",
        "Debit",
        "Credit",
        "Description",
    )
    assert journal.rows[1].cells[:6] == (Decimal(0), "Sep 01", Decimal(101), "Cash", "", Decimal(52000))
    assert workbook.sheets[2].rows[-1].cells == ("Totals", "", Decimal(203700), Decimal(203700))


def test_sql_acct_sheet_chosen_by_name_or_index() -> None:
    assert [s.name for s in read("sql-acct__general_ledger.xlsx", ReadOptions(sheet="Sheet3")).sheets] == [
        "Sheet3"
    ]
    assert [s.name for s in read("sql-acct__general_ledger.xlsx", ReadOptions(sheet=1)).sheets] == ["Sheet2"]


def test_aeb43_fixed_width_with_a_layout() -> None:
    layout = FixedWidthLayout(
        type_start=1,
        type_end=2,
        records={
            "22": (
                FixedWidthField(name="operation_date", start=11, end=16),
                FixedWidthField(name="side", start=28, end=28),
                FixedWidthField(name="amount", start=29, end=42),
            ),
            "33": (FixedWidthField(name="closing_balance", start=60, end=73),),
        },
    )
    workbook = read("nantic-csb43__c43.txt", ReadOptions(encoding="latin-1", fixed_width=layout))
    assert workbook.container == "fixed-width"
    assert detected(workbook) == {"container": "fixed-width", "encoding": "latin-1"}
    (sheet,) = workbook.sheets
    assert sheet.headers_by_kind == {"22": ("operation_date", "side", "amount"), "33": ("closing_balance",)}
    kinds = [row.kind for row in sheet.rows]
    assert kinds.count("22") == 22
    assert kinds[0] == "11"
    assert sheet.rows[0].cells == (sheet.rows[0].cells[0],)  # no layout for 11: the whole line
    assert len(str(sheet.rows[0].cells[0])) == 80
    movement = sheet.rows[1]
    assert (movement.number, movement.kind) == (2, "22")
    assert movement.cells == ("111111", "1", "00000000003560")
    closing = next(row for row in sheet.rows if row.kind == "33")
    assert closing.cells == ("00000005381811",)


def test_aeb43_without_a_layout_is_one_column_text() -> None:
    workbook = read("nantic-csb43__c43.txt")
    assert workbook.container == "delimited"
    assert workbook.detected["delimiter"].source == "default"
    assert len(workbook.sheets[0].rows) == 47

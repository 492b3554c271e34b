"""Every real sample yields what fixtures/samples/README.md says (figures in *.expected.json)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from normalizer import NormalizeResult, normalize

SAMPLES = Path(__file__).parents[3] / "fixtures" / "samples"


def _cases() -> list[Any]:
    params = []
    for expected in sorted(SAMPLES.glob("*.expected.json")):
        data = json.loads(expected.read_text(encoding="utf-8"))
        for index, case in enumerate(data["cases"]):
            params.append(pytest.param(data["source"], case, id=f"{data['source']}#{index}"))
    return params


def _run(source: str, **options: Any) -> NormalizeResult:
    return normalize(SAMPLES / source, **options)


def _checks(result: NormalizeResult) -> dict[str, bool]:
    passed: dict[str, bool] = {}
    for check in result.checks:
        passed[check.name] = passed.get(check.name, True) and check.passed
    return passed


def test_every_sample_has_expectations() -> None:
    sources = {p.name for p in SAMPLES.iterdir() if p.name != "README.md" and not p.name.endswith(".json")}
    described = {json.loads(p.read_text())["source"] for p in SAMPLES.glob("*.expected.json")}
    assert sources == described


def test_every_sample_has_a_case_without_options() -> None:
    for expected in SAMPLES.glob("*.expected.json"):
        data = json.loads(expected.read_text(encoding="utf-8"))
        assert any(case["options"] == {} for case in data["cases"]), data["source"]


@pytest.mark.parametrize(("source", "case"), _cases())
def test_sample_figures(source: str, case: dict[str, Any]) -> None:
    result = _run(source, **case["options"])
    records = result.records
    assert len(records) == case["records"]
    assert sum((r.debit for r in records), Decimal(0)) == Decimal(case["debit"])
    assert sum((r.credit for r in records), Decimal(0)) == Decimal(case["credit"])
    if "journals" in case:
        assert len({r.journal for r in records}) == case["journals"]
    if "sheet" in case:
        assert result.detected["sheet"].value == case["sheet"]
    if "currency" in case:
        assert {r.currency for r in records} == {case["currency"]}
    for name, passed in case.get("checks", {}).items():
        assert _checks(result)[name] is passed, name
    assert [r.row_number for r in records] == sorted(r.row_number for r in records)
    assert not [i for i in result.issues if i.severity == "error"]


def test_gnucash_splits_inherit_date_transaction_and_description() -> None:
    result = _run("ledger-explorer__sample_transaction_data.csv")
    records = result.records
    assert result.detected["profile"].value == "gnucash-csv"
    assert len({r.account for r in records}) == 30
    assert min(r.posted_on for r in records if r.posted_on) == dt.date(2016, 1, 1)
    assert any(r.posted_on and r.posted_on.year == 2020 for r in records)
    assert all(r.posted_on is not None and r.journal for r in records)
    second = records[1]
    assert (second.row_number, second.account, second.credit) == (
        3,
        "Income:Other Income",
        Decimal("1000.00"),
    )
    assert second.posted_on == dt.date(2016, 1, 1)
    assert second.journal == records[0].journal == "4a1efb8f1af04a478695eceb8e231022"
    positive = sum((r.debit for r in records), Decimal(0))
    assert positive == Decimal("343441.00")


def test_intacct_reports_unbalanced_batch() -> None:
    result = _run("fivetran-intacct__sage_intacct__gl_detail.csv")
    (check,) = [c for c in result.checks if c.name == "journal_balance"]
    assert check.details["unbalanced"] == [
        {"journal": "40933", "currency": "", "debit": "2270.28", "credit": "0.00", "difference": "2270.28"}
    ]
    assert "40933" in check.message and "2270.28" in check.message
    (issue,) = [i for i in result.issues if i.code == "unbalanced-journal"]
    assert issue.raw == "40933"


def test_quickbooks_check_detail_totals_agree_with_each_block() -> None:
    result = _run("slowbooks__qb_check_detail.csv", profile="quickbooks-report")
    (check,) = [c for c in result.checks if c.name == "total_rows"]
    assert check.passed
    assert check.details["scope"] == "block-after-first"
    figures = {(f["row"], f["column"]): f["stated"] for f in check.details["figures"]}
    assert figures[(9, "Original Amount")] == "30.20"
    assert figures[(27, "Paid Amount")] == "-711.12"
    checks_paid = [r.credit for r in result.records if r.account == "Checking"]
    assert checks_paid == [Decimal(x) for x in ("30.20", "190.90", "1185.90", "711.12")]
    assert sum(checks_paid, Decimal(0)) == Decimal("2118.12")
    split = result.records[1]
    assert (split.posted_on, split.account, split.debit) == (
        dt.date(2026, 3, 2),
        "Office Supplies",
        Decimal("30.20"),
    )


def test_quickbooks_transaction_detail_receipts() -> None:
    result = _run("slowbooks__qb_transaction_detail_sales_receipts.csv", profile="quickbooks-report")
    assert result.detected["header_row"].value == 4
    by_journal: dict[str, list[str]] = {}
    for r in result.records:
        by_journal.setdefault(r.journal, []).append(r.reference)
    assert {j: set(refs) for j, refs in by_journal.items()} == {"1": {"1"}, "2": {"2"}, "3": {"3"}}
    assert result.records[0].posted_on == dt.date(2026, 4, 9)
    assert result.records[0].attributes["Clr"] == "√"
    assert result.records[6].attributes["Sales Price"] == "6.4%"


def test_datev_bookings() -> None:
    result = _run("datev-gem__EXTF_Buchungsstapel.csv")
    assert result.detected["profile"].value == "datev-extf"
    first, second = result.records
    assert (first.posted_on, first.account, first.credit, first.debit) == (
        dt.date(2018, 2, 21), "1200", Decimal("24.95"), Decimal("0.00"))  # fmt: skip
    assert first.attributes["Gegenkonto (ohne BU-Schlüssel)"] == "4940"
    assert (second.posted_on, second.account, second.debit, second.reference) == (
        dt.date(2018, 2, 22), "10000", Decimal("5950.00"), "RE201802-135")  # fmt: skip
    assert second.attributes["Gegenkonto (ohne BU-Schlüssel)"] == "8400"
    assert second.currency == "EUR"


def test_aeb43_movements_and_control_record() -> None:
    result = _run("nantic-csb43__c43.txt")
    assert result.detected["profile"].value == "aeb43"
    debits = [r.debit for r in result.records if r.debit]
    credits = [r.credit for r in result.records if r.credit]
    assert (len(debits), sum(debits, Decimal(0))) == (18, Decimal("748.49"))
    assert (len(credits), sum(credits, Decimal(0))) == (4, Decimal("2036.16"))
    (check,) = [c for c in result.checks if c.name == "control_totals"]
    assert check.passed
    assert check.details["figures"]["closing_balance"] == {
        "stated": "53818.11", "computed": "53818.11", "passed": True}  # fmt: skip
    assert result.records[0].description == "REBUT         PARKING EXPENSE"
    assert result.records[0].posted_on == dt.date(2011, 11, 11)


def test_akretion_containers_agree_except_analytic() -> None:
    def strip(result: NormalizeResult) -> list[dict[str, Any]]:
        rows = []
        for r in result.records:
            d = r.as_dict()
            d["attributes"] = {k: v for k, v in d["attributes"].items() if k != "analytic"}
            rows.append(d)
        return rows

    csv, xls, xlsx = (
        _run(f"akretion__account_move_generic-fr_coa.{ext}", profile="odoo-move-lines")
        for ext in ("csv", "xls", "xlsx")
    )
    assert strip(csv) == strip(xls) == strip(xlsx)
    assert csv.records[4].attributes["analytic"] != xls.records[4].attributes["analytic"]
    assert csv.records[0].account == "421000" and csv.records[0].posted_on == dt.date(2022, 1, 31)


def test_sql_acct_journal_sheet_is_chosen_and_descriptions_attach() -> None:
    result = _run("sql-acct__general_ledger.xlsx", fiscal_year=2024)
    first = result.records[0]
    assert (first.posted_on, first.account, first.account_name) == (dt.date(2024, 9, 1), "101", "Cash")
    assert first.description.startswith("Deposited cash")
    assert result.records[1].posted_on == dt.date(2024, 9, 1)  # continuation line inherits the date
    assert first.attributes == {"column_1": "0"}


def test_sql_acct_gl_sheet_takes_accounts_from_group_rows() -> None:
    result = _run("sql-acct__general_ledger.xlsx", fiscal_year=2024, sheet="Sheet1")
    assert len(result.records) == 42
    assert {(r.account, r.account_name) for r in result.records[:15]} == {("101", "Cash")}
    assert result.records[-1].account == "505"


def test_sql_acct_without_year_reports_dates() -> None:
    result = _run("sql-acct__general_ledger.xlsx")
    assert len(result.records) == 42
    assert all(r.posted_on is None for r in result.records)
    assert {i.code for i in result.issues} >= {"invalid-date"}


def test_uob_statement() -> None:
    result = _run("reds-importers__ACC_TXN_History_1234_clean.xls")
    assert result.detected["header_row"].value == 8
    first = result.records[1]
    assert (first.posted_on, first.debit) == (dt.date(2023, 6, 16), Decimal("800.00"))
    assert first.description == "Cash Withdrawal-ATM\nNFC Mobile WDL"


def test_easybank_signs() -> None:
    result = _run("ofxstatement-austrian__easybank-giro.csv")
    assert result.detected["profile"].value == "easybank"
    net = sum((r.credit - r.debit for r in result.records), Decimal(0))
    assert net == Decimal("-1562.86")
    assert result.records[4].debit == Decimal("1001.00")


def test_french_bank_csv_signs() -> None:
    result = _run("hledger__sample.fr.cp1252.csv")
    signed = [r.debit - r.credit for r in result.records]
    assert signed == [Decimal("50.00"), Decimal("-10.00"), Decimal("-20.00")]
    assert result.records[2].description == "CAFÉ \u2014 €20 REÇU"


def test_adyen_settlement_uses_net_columns() -> None:
    result = _run("oca-bsi__settlement_detail_report_batch_380.csv")
    assert result.detected["profile"].value == "adyen-settlement"
    assert {r.journal for r in result.records} == {"380"}
    assert {r.currency for r in result.records} == {"USD"}


def test_akretion_without_profile_reads_the_profiles_columns_from_content() -> None:
    def fields(result: NormalizeResult) -> list[tuple[Any, ...]]:
        return [(r.posted_on, r.account, r.description, r.debit, r.credit) for r in result.records]

    for ext in ("csv", "xls", "xlsx"):
        source = f"akretion__account_move_generic-fr_coa.{ext}"
        detected = _run(source)
        assert detected.detected["header_row"].value is None
        assert fields(detected) == fields(_run(source, profile="odoo-move-lines"))


def test_side_flags_learned_from_values() -> None:
    ing = _run("ofxstatement-dutch__ing_ok_Mutatiesoort_Extra.csv")
    assert ing.detected["side_mapping"].value == {"Af": "debit", "Bij": "credit"}
    assert [r.debit - r.credit for r in ing.records][:2] == [Decimal("1.25"), Decimal("-1.25")]
    knab = _run("ofxstatement-dutch__Knab_transactieoverzicht_ok.csv")
    assert knab.detected["columns"].value["side"] == "CreditDebet"
    sap = _run("fivetran-sap__sap_bseg_data.csv")
    assert sap.detected["columns"].value["amount"] == "dmbtr"
    assert sap.detected["side_mapping"].value == {"h": "credit"}


def test_gross_fee_net_books_the_gross_and_keeps_fee_and_net() -> None:
    result = _run("oca-bsi__paypal_statement_en.csv")
    assert result.detected["columns"].value["amount"] == "Gross"
    assert {r.currency for r in result.records} == {"EUR", "USD"}
    first = result.records[0]
    assert (first.credit, first.attributes["Fee"], first.attributes["Net"]) == (
        Decimal("1058.09"), "0.00", "-1,058.09")  # fmt: skip
    xero = _run("fivetran-xero__xero_journal_line_data.csv")
    assert xero.detected["columns"].value["amount"] == "net_amount"
    assert "gross_amount" in xero.records[0].attributes


def test_file_without_date_column_has_one_file_level_issue() -> None:
    for source in ("fivetran-xero__xero_journal_line_data.csv", "fivetran-sap__sap_bseg_data.csv"):
        result = _run(source)
        assert all(r.posted_on is None for r in result.records)
        (issue,) = [i for i in result.issues if i.code == "no-date-column"]
        assert issue.row is None and issue.severity == "warning"
        assert not [i for i in result.issues if i.code == "invalid-date"]


def test_preamble_rows_before_the_header() -> None:
    assert _run("ofxstatement-handelsbanken__transactions.xlsx").detected["header_row"].value == 9
    assert _run("ofxstatement-de-ing__test_with_saldo_1.csv").detected["header_row"].value > 10
    assert _run("ofxstatement-dutch__Knab_transactieoverzicht_ok.csv").detected["header_row"].value == 2

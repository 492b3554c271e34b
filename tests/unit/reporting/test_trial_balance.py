"""Trial balance on the hand-built ledger; every figure worked out by hand."""

from __future__ import annotations

from reporting import trial_balance
from tests.unit.reporting.ledger import HYPERLINK, SOURCE, d, ledger


def test_every_account_and_the_totals_per_currency() -> None:
    table = trial_balance(ledger(), source=SOURCE)
    assert table.report == "trial-balance"
    assert [c.name for c in table.columns] == [
        "account",
        "account_name",
        "currency",
        "debit",
        "credit",
        "net",
    ]
    assert table.rows == (
        ("1200", "Bank", "USD", d("1234.56"), d("815.25"), d("419.31")),
        ("1210", HYPERLINK, "EUR", d("100.00"), d("0.00"), d("100.00")),
        ("2000", "Accounts payable", "USD", d("0.00"), d("89.90"), d("-89.90")),
        ("4000", "Sales", "EUR", d("0.00"), d("100.00"), d("-100.00")),
        ("4000", "Sales", "USD", d("0.00"), d("1234.56"), d("-1234.56")),
        ("6000", "Rent", "USD", d("500.00"), d("0.00"), d("500.00")),
        ("6100", "Office supplies", "USD", d("89.90"), d("0.00"), d("89.90")),
        ("6150", "Travel", "USD", d("250.00"), d("0.00"), d("250.00")),
        ("6900", "Entertainment", "USD", d("75.25"), d("0.00"), d("75.25")),
    )
    # J4 is 10.00 short on the credit side, so USD does not balance.
    assert table.section("totals").rows == (
        ("EUR", 2, d("100.00"), d("100.00"), d("0.00"), "yes"),
        ("USD", 7, d("2149.71"), d("2139.71"), d("10.00"), "no"),
    )


def test_provenance_counts_every_record_and_keeps_the_given_source() -> None:
    table = trial_balance(ledger(), source=SOURCE, date_from="2025-02-01")
    assert table.provenance.parameters == (("from", "2025-02-01"),)
    ((role, source),) = table.provenance.sources
    assert role == "ledger"
    assert (source.ledger_file_id, source.account, source.fiscal_year) == (1, "ACME", 2025)
    assert source.record_count == 12  # all records read, not only those in range
    assert source.normalizer_version == "1.0.0"


def test_without_a_source_the_checksum_is_computed_from_the_records() -> None:
    source = trial_balance(ledger()).provenance.sources[0][1]
    # sha256 of fixtures/reports/ledger.jsonl, the canonical JSON Lines of these records.
    assert source.records_sha256 == "9a444bceb676013badebe556325a869c6098316999dca5cce060fcaa1e7fe7e4"
    assert source.ledger_file_id is None


def test_a_date_range_keeps_only_records_inside_it() -> None:
    table = trial_balance(ledger(), date_from="2025-02-01", date_to="2025-03-03")
    assert table.rows == (
        ("1200", "Bank", "USD", d("0.00"), d("740.00"), d("-740.00")),
        ("2000", "Accounts payable", "USD", d("0.00"), d("89.90"), d("-89.90")),
        ("6000", "Rent", "USD", d("500.00"), d("0.00"), d("500.00")),
        ("6100", "Office supplies", "USD", d("89.90"), d("0.00"), d("89.90")),
        ("6150", "Travel", "USD", d("250.00"), d("0.00"), d("250.00")),
    )
    assert table.section("totals").rows == (("USD", 5, d("839.90"), d("829.90"), d("10.00"), "no"),)


def test_account_filters_take_codes_and_prefixes() -> None:
    table = trial_balance(ledger(), accounts="1200,61*")
    assert [row[0] for row in table.rows] == ["1200", "6100", "6150"]
    assert table.provenance.parameters == (("accounts", "1200,61*"),)
    assert [row[0] for row in trial_balance(ledger(), accounts=["6*"]).rows] == [
        "6000",
        "6100",
        "6150",
        "6900",
    ]


def test_an_empty_ledger_gives_empty_sections() -> None:
    table = trial_balance([])
    assert table.rows == ()
    assert table.section("totals").rows == ()
    assert table.provenance.sources[0][1].record_count == 0


def test_the_first_non_empty_account_name_is_used() -> None:
    records = ledger()[:2]
    unnamed = records[1].as_dict() | {"account_name": "", "row_number": 1}
    from normalizer.record import Record

    table = trial_balance([Record(**unnamed), *records])
    assert table.rows[0][:2] == ("1200", "Bank")
    assert table.rows[0][3] == d("2469.12")

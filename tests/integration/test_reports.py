"""Reports on a stored ledger: identical bytes whether it is served hot, cold or reprocessed."""

from __future__ import annotations

import logging
from decimal import Decimal as d
from pathlib import Path

import pytest

import reporting
from ledgerstore import LedgerStore
from reporting import ReportParams
from tests.integration.test_pipeline import _flip_a_byte

MAPPING = Path(__file__).resolve().parents[2] / "fixtures" / "reports" / "mapping.toml"

#: Every report with parameters that exercise it; compare runs the ledger against itself.
CASES: list[tuple[str, ReportParams]] = [
    ("trial-balance", ReportParams()),
    ("gl-detail", ReportParams(date_from="2025-02-01", accounts="1200,6*")),
    ("period-summary", ReportParams(fiscal_start_month=2)),
    ("journal-check", ReportParams()),
    ("cost-summary", ReportParams(mapping=MAPPING, rate="15%")),
    ("compare", ReportParams()),
]


def _render_all(store: LedgerStore, ledger_id: int, expected_tier: str) -> dict[tuple[str, str], bytes]:
    out: dict[tuple[str, str], bytes] = {}
    for name, params in CASES:
        ids = [ledger_id, ledger_id] if name == "compare" else [ledger_id]
        for fmt in reporting.FORMATS:
            table, tiers = reporting.run_report(store, name, ids, params)
            assert set(tiers) == {expected_tier}, (name, fmt, tiers)
            out[(name, fmt)] = reporting.render(table, fmt)
    return out


def test_every_report_is_byte_identical_from_every_tier(store: LedgerStore, ledger_fixture: Path) -> None:
    v1 = store.ingest(ledger_fixture / "acme-2025-v1.csv", account="ACME", fiscal_year=2025).ledger
    hot = _render_all(store, v1.id, "hot")
    v2 = store.ingest(ledger_fixture / "acme-2025-v2.csv", account="ACME", fiscal_year=2025).ledger
    cold = _render_all(store, v1.id, "cold")
    cold_compare, cold_tiers = reporting.run_report(store, "compare", [v1.id, v2.id])
    assert v1.artifact_key is not None
    _flip_a_byte(store, v1.artifact_key)
    reprocessed = _render_all(store, v1.id, "reprocessed")
    reprocessed_compare, reprocessed_tiers = reporting.run_report(store, "compare", [v1.id, v2.id])
    assert len(hot) == 18
    for key, data in hot.items():
        assert cold[key] == data, key
        assert reprocessed[key] == data, key
    assert (cold_tiers, reprocessed_tiers) == (("cold", "hot"), ("reprocessed", "hot"))
    for fmt in reporting.FORMATS:
        assert reporting.render(cold_compare, fmt) == reporting.render(reprocessed_compare, fmt)


def test_trial_balance_of_the_stored_ledger(store: LedgerStore, ledger_fixture: Path) -> None:
    ledger = store.ingest(ledger_fixture / "acme-2025-v1.csv", account="ACME", fiscal_year=2025).ledger
    with store.records(ledger.id) as records:
        table = reporting.trial_balance(records)
    # The export has no currency column, so records carry an empty currency.
    assert table.rows == (
        ("1200", "Bank", "", d("1234.56"), d("500.00"), d("734.56")),
        ("2000", "Accounts payable", "", d("0.00"), d("89.90"), d("-89.90")),
        ("4000", "Sales", "", d("0.00"), d("1234.56"), d("-1234.56")),
        ("6000", "Rent", "", d("500.00"), d("0.00"), d("500.00")),
        ("6100", "Office supplies", "", d("89.90"), d("0.00"), d("89.90")),
    )
    assert table.section("totals").rows == (("", 5, d("1824.46"), d("1824.46"), d("0.00"), "yes"),)
    ((_, source),) = table.provenance.sources
    assert source == reporting.Source(
        ledger_file_id=ledger.id,
        account="ACME",
        fiscal_year=2025,
        normalizer_version=ledger.normalizer_version,
        record_count=6,
        records_sha256=ledger.records_sha256,
        issues_error=0,  # the provenance names the ledger file's issue counts (issue 10)
        issues_warning=0,
        issues_info=0,
    )


def test_compare_two_uploads(store: LedgerStore, ledger_fixture: Path) -> None:
    v1 = store.ingest(ledger_fixture / "acme-2025-v1.csv", account="ACME", fiscal_year=2025).ledger
    v2 = store.ingest(ledger_fixture / "acme-2025-v2.csv", account="ACME", fiscal_year=2025).ledger
    table, _ = reporting.run_report(store, "compare", [v1.id, v2.id])
    # v2 drops J3 (supplies, rows 6-7) and adds J4 (March rent, rows 6-7).
    assert [(row[0], row[2], row[3]) for row in table.section("removed").rows] == [
        (6, "6100", "Office supplies"),
        (7, "2000", "Accounts payable"),
    ]
    assert [(row[0], row[2]) for row in table.section("added").rows] == [(6, "6000"), (7, "1200")]
    assert table.section("summary").rows == ((6, 6, 4, 2, 2),)
    assert [source.ledger_file_id for _, source in table.provenance.sources] == [v1.id, v2.id]


def test_run_report_logs_the_tier_and_checks_parameters_first(
    store: LedgerStore, ledger_fixture: Path, caplog: pytest.LogCaptureFixture
) -> None:
    ledger = store.ingest(ledger_fixture / "acme-2025-v1.csv", account="ACME", fiscal_year=2025).ledger
    with caplog.at_level(logging.INFO, logger="reporting"):
        reporting.run_report(store, "journal-check", [ledger.id])
    logged = [(getattr(r, "ledger_file_id", None), getattr(r, "tier", None)) for r in caplog.records]
    assert (ledger.id, "hot") in logged
    with pytest.raises(reporting.ReportParameterError, match="needs --mapping"):
        reporting.run_report(store, "cost-summary", [999_999])  # refused before the lookup

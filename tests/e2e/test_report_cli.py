"""`ledgerstore report` as a user runs it: a subprocess against a real database."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]
import pytest

from tests.e2e.cli import ROOT, run_cli

LEDGERS = ROOT / "fixtures" / "ledgers"
MAPPING = ROOT / "fixtures" / "reports" / "mapping.csv"


def _ingest(env: dict[str, str], version: int) -> int:
    result = run_cli(
        "ingest", str(LEDGERS / f"acme-2025-v{version}.csv"), "--account", "ACME", "--fiscal-year", "2025",
        "--json", env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return int(json.loads(result.stdout)["id"])


def test_trial_balance_as_json_with_the_tier_on_stderr(env: dict[str, str]) -> None:
    ledger_id = _ingest(env, 1)
    result = run_cli("report", "trial-balance", str(ledger_id), "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "tier: hot\n"
    document = json.loads(result.stdout)
    assert document["report"] == "trial-balance"
    accounts = document["sections"][0]["rows"]
    assert [(row["account"], row["net"]) for row in accounts] == [
        ("1200", "734.56"),
        ("2000", "-89.90"),
        ("4000", "-1234.56"),
        ("6000", "500.00"),
        ("6100", "89.90"),
    ]
    totals = document["sections"][1]["rows"]
    assert totals == [
        {"currency": "", "accounts": 5, "debit": "1824.46", "credit": "1824.46", "difference": "0.00",
         "balanced": "yes"}
    ]  # fmt: skip
    (source,) = document["provenance"]["sources"]
    assert source["ledger_file_id"] == ledger_id and source["record_count"] == 6
    assert "tier" not in result.stdout


def test_cost_summary_xlsx_to_a_file_and_compare_of_two_tiers(env: dict[str, str], tmp_path: Path) -> None:
    old, new = _ingest(env, 1), _ingest(env, 2)
    out = tmp_path / "costs.xlsx"
    result = run_cli(
        "report", "cost-summary", str(old), "--mapping", str(MAPPING), "--rate", "15%", "--format", "xlsx",
        "--out", str(out), env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr == "tier: cold\n" and result.stdout == ""
    workbook = openpyxl.load_workbook(out)
    totals = {row[0].value: row[2].value for row in workbook["Totals"].iter_rows(min_row=2)}
    assert totals["indirect-cost base"] == 589.90  # 500.00 rent + 89.90 supplies
    assert totals["indirect cost (0.15 × base)"] == pytest.approx(88.485)
    compared = run_cli("report", "compare", str(old), str(new), env=env)
    assert compared.returncode == 0, compared.stderr
    assert compared.stderr == "tier: cold\ntier: hot\n"
    assert compared.stdout.startswith("account,account_name,currency,old_debit,")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["trial-balance", "1", "--rate", "5%"], 2, "--rate: trial-balance does not take --rate"),
        (["compare", "1"], 2, "compare takes two ledger file ids"),
        (["gl-detail", "1", "--from", "2025-02-30"], 2, "'2025-02-30' is not a date"),
        (["cost-summary", "1", "--mapping", "no-such.toml"], 4, "no-such.toml"),
        (["trial-balance", "424242"], 4, "424242"),
    ],
)
def test_mistakes_are_one_line_and_an_exit_code(
    env: dict[str, str], args: list[str], code: int, message: str
) -> None:
    result = run_cli("report", *args, env=env)
    assert result.returncode == code, result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("ledgerstore: error: ")
    assert message in result.stderr


def test_a_cold_trial_balance_imports_only_what_it_uses(env: dict[str, str]) -> None:
    # Start-up is a large part of a report: no migration tool, task queue, pandas or workbook
    # writer for a CSV trial balance of a cold ledger (`PYTHONPROFILEIMPORTTIME` lists imports).
    old = _ingest(env, 1)
    _ingest(env, 2)
    result = run_cli("report", "trial-balance", str(old), env={**env, "PYTHONPROFILEIMPORTTIME": "1"})
    assert result.returncode == 0, result.stderr
    assert "tier: cold" in result.stderr.splitlines()
    imported = {line.rpartition("|")[2].strip() for line in result.stderr.splitlines() if "|" in line}
    assert "pyarrow.json" in imported  # the columnar read ran, and the listing is complete
    for unused in ("alembic", "procrastinate", "pandas", "openpyxl", "xlsxwriter"):
        assert unused not in imported, unused

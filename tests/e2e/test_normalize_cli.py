"""`ledgerstore normalize` as a subprocess, the way a user runs it."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

from tests.e2e.cli import ROOT, run_cli

SAMPLES = ROOT / "fixtures" / "samples"


def test_jsonl_records_and_summary() -> None:
    result = run_cli(
        "normalize",
        str(SAMPLES / "slowbooks__qb_check_detail.csv"),
        "--profile",
        "quickbooks-report",
        "--summary",
    )
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 11
    assert records[0]["credit"] == "30.20" and records[0]["posted_on"] == "2026-03-02"
    summary = json.loads(result.stderr)
    assert summary["records"] == 11
    assert summary["totals"] == {"": {"debit": "2657.00", "credit": "2657.00"}}
    assert summary["detected"]["profile"]["value"] == "quickbooks-report"
    assert {c["name"]: c["passed"] for c in summary["checks"]} == {
        "total_rows": True,
        "journal_balance": True,
    }


def test_csv_output() -> None:
    result = run_cli("normalize", str(SAMPLES / "hledger__sample.journal.csv"), "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 11
    assert sum(Decimal(r["debit"]) for r in rows) == Decimal("6.00")
    assert json.loads(rows[0]["attributes"]) == {"amount": "1"}


def test_unusable_file_exits_3_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "notes.csv"
    bad.write_text("just some words\nwithout any ledger\n", encoding="utf-8")
    result = run_cli("normalize", str(bad))
    assert result.returncode == 3
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("ledgerstore: error: ")
    assert "Traceback" not in result.stderr


def test_missing_file_exits_4(tmp_path: Path) -> None:
    result = run_cli("normalize", str(tmp_path / "nope.csv"))
    assert result.returncode == 4
    assert result.stderr.startswith("ledgerstore: error: ")


def test_unknown_profile_exits_3() -> None:
    result = run_cli("normalize", str(SAMPLES / "hledger__sample.journal.csv"), "--profile", "no-such")
    assert result.returncode == 3
    assert "no profile named" in result.stderr


def test_explain_and_write_profile_round_trip(tmp_path: Path) -> None:
    source = str(SAMPLES / "ofxstatement-dutch__Knab_transactieoverzicht_ok.csv")
    profile = tmp_path / "knab.toml"
    explained = run_cli("normalize", source, "--explain", "--write-profile", str(profile))
    assert explained.returncode == 0, explained.stderr
    assert "header row: 2" in explained.stdout and "amount model: side" in explained.stdout
    assert "CreditDebet" in explained.stdout and "side mapping: D -> debit, C -> credit" in explained.stdout
    assert 'side = "CreditDebet"' in profile.read_text(encoding="utf-8")
    plain = run_cli("normalize", source)
    again = run_cli("normalize", source, "--profile", str(profile))
    assert again.returncode == 0, again.stderr
    assert again.stdout == plain.stdout and len(plain.stdout.splitlines()) == 28


def test_unsure_amount_fails_naming_both_columns(tmp_path: Path) -> None:
    bad = tmp_path / "two.csv"
    bad.write_text("Date,Betrag,Betrag\n2024-01-02,10.00,12.00\n2024-01-03,5.00,6.00\n", encoding="utf-8")
    result = run_cli("normalize", str(bad))
    assert result.returncode == 3
    assert "'Betrag'" in result.stderr and "'Betrag (2)'" in result.stderr
    assert '[columns] amount = "Betrag"' in result.stderr

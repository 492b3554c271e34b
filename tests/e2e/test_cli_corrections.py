"""Legacy files that need a profile can be registered with one, backfilled with one, or corrected;
manifest lines that cannot be used are reported with their line and column (issue 10, 3 and 5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.cli import run_cli

#: Two columns read as the amount with different totals: without a profile the normalizer refuses
#: to guess (issue 9), and the one line below settles it.
AMBIGUOUS = "Date,Account,Betrag,Betrag\n2020-01-02,4000,10.00,12.00\n2020-01-03,4001,-5.00,6.00\n"
PROFILE = '[columns]\nposted_on = "Date"\naccount = "Account"\namount = "Betrag"\n'

HEADER = "path,account,fiscal_year,name,uploaded_at"


@pytest.fixture
def needs_profile(tmp_path: Path) -> Path:
    path = tmp_path / "needs-profile.csv"
    path.write_text(AMBIGUOUS)
    return path


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    path = tmp_path / "stripe.toml"
    path.write_text(PROFILE)
    return path


def test_the_manifest_takes_a_profile_column(
    env: dict[str, str], tmp_path: Path, profile: Path, needs_profile: Path
) -> None:
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(f"{HEADER},profile\n{needs_profile},AMB,2020,stripe.csv,2020-02-01,stripe.toml\n")
    registered = run_cli("register", str(manifest), "--json", env=env)
    assert registered.returncode == 0, registered.stdout + registered.stderr
    (ledger_id,) = json.loads(registered.stdout)["registered"]
    backfilled = run_cli("backfill", "--json", env=env)
    assert backfilled.returncode == 0, backfilled.stdout
    assert json.loads(backfilled.stdout)["created"] == 1
    shown = json.loads(run_cli("issues", str(ledger_id), "--json", env=env).stdout)
    assert shown["counts"] is not None  # backfilled ledgers get their issues too


def test_backfill_profile_for_files_registered_without_one(
    env: dict[str, str], tmp_path: Path, profile: Path, needs_profile: Path
) -> None:
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(f"{HEADER}\n{needs_profile},AMB,2020,stripe.csv,2020-02-01\n")
    assert run_cli("register", str(manifest), env=env).returncode == 0
    backfilled = run_cli("backfill", "--profile", str(profile), "--json", env=env)
    assert backfilled.returncode == 0, backfilled.stdout + backfilled.stderr
    assert json.loads(backfilled.stdout)["created"] == 1


def test_a_failed_legacy_file_is_corrected_with_reprocess(
    env: dict[str, str], tmp_path: Path, profile: Path, needs_profile: Path
) -> None:
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(f"{HEADER}\n{needs_profile},AMB,2020,stripe.csv,2020-02-01\n")
    (ledger_id,) = json.loads(run_cli("register", str(manifest), "--json", env=env).stdout)["registered"]
    failed = run_cli("backfill", "--json", env=env)
    assert failed.returncode == 1
    assert json.loads(run_cli("ledgers", "--json", env=env).stdout)[0]["status"] == "failed"
    fixed = run_cli("reprocess", str(ledger_id), "--profile", str(profile), "--json", env=env)
    assert fixed.returncode == 0, fixed.stderr
    assert json.loads(fixed.stdout)["status"] == "active"


def test_bad_manifest_lines_are_reported_and_the_rest_goes_on(env: dict[str, str], tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(
        "Date,Account,Description,Debit,Credit\n2025-01-01,4000,a,1.00,\n2025-01-01,4001,b,,1.00\n"
    )
    lines = [
        HEADER,
        "/nope/missing.csv,A,2025,m.csv,2025-01-01",
        f"{good},A,2025,g.csv,2025-13-45",
        f"{good},{'X' * 100_000},2025,g.csv,2025-01-01",
        f"{good},A,99999,g.csv,2025-01-01",
        f"{good},A\x00B,2025,g.csv,2025-01-01",
        f"{good},GOOD,2025,g.csv,2025-01-01",
    ]
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("\n".join(lines) + "\n")
    result = run_cli("register", str(manifest), "--json", env=env)
    assert result.returncode == 1
    summary = json.loads(result.stdout)
    assert len(summary["registered"]) == 1
    errors = {e["line"]: e["error"] for e in summary["errors"]}
    assert sorted(errors) == [2, 3, 4, 5, 6]
    assert "/nope/missing.csv: no such file" in errors[2] and "absolute" not in errors[2]
    assert "column uploaded_at" in errors[3] and "ISO 8601" in errors[3] and "isoformat" not in errors[3]
    assert "column account" in errors[4] and len(errors[4]) < 200
    assert "column fiscal_year" in errors[5] and "1900" in errors[5]
    assert "column account" in errors[6]
    listed = json.loads(run_cli("ledgers", "--json", env=env).stdout)
    assert [r["account"] for r in listed] == ["GOOD"]  # nothing stored for a bad line
    text = run_cli("register", str(manifest), env=env)
    assert "line 2: " in text.stdout

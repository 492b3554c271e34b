"""Row problems never vanish and a failed or rejected upload can be corrected (issue 10, 1–3).

The CLI as a user runs it: a bad row rejects the upload (exit 1), `issues` lists it, `reprocess`
accepts or corrects it in place, `ledgers` shows the counts, and the issue sidecar verifies.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from tests.e2e.cli import run_cli

BAD_ROW = (
    "Date,Account,Description,Debit,Credit\n"
    "2025-01-01,4000,a,10.00,\n"
    "2025-01-02,4000,b,,10.00\n"
    "2025-01-03,4000,c,,abc\n"
)
SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "samples"  # copies of shared/samples/real


@pytest.fixture
def env(database_url: URL, tmp_path: Path) -> dict[str, str]:
    return {
        "LEDGERSTORE_HOME": str(tmp_path / "home"),
        "LEDGERSTORE_DATABASE_URL": database_url.render_as_string(hide_password=False),
        "LEDGERSTORE_OBJECT_URL": (tmp_path / "objects").as_uri(),
    }


@pytest.fixture
def bad_csv(tmp_path: Path) -> Path:
    path = tmp_path / "bad.csv"
    path.write_text(BAD_ROW)
    return path


def _ingest(env: dict[str, str], path: Path, *extra: str) -> tuple[int, dict[str, object], str]:
    result = run_cli(
        "ingest", str(path), "--account", "BADROW", "--fiscal-year", "2025", "--json", *extra, env=env
    )
    return result.returncode, json.loads(result.stdout), result.stderr


def test_a_bad_row_rejects_the_upload_and_reprocess_accepts_it(env: dict[str, str], bad_csv: Path) -> None:
    code, ledger, stderr = _ingest(env, bad_csv)
    assert code == 1, stderr
    assert ledger["status"] == "rejected"
    assert ledger["has_artifact"] is False
    assert ledger["issues"]["counts"] == {"error": 1, "warning": 0, "info": 0}  # type: ignore[index]
    assert "rejected: 1 error" in stderr and "row 4, column Credit" in stderr
    assert stderr.strip().splitlines()[-1].startswith("ledgerstore: error: ledger file")

    shown = run_cli("issues", str(ledger["id"]), "--json", env=env)
    assert shown.returncode == 0, shown.stderr
    issues = json.loads(shown.stdout)
    assert issues["status"] == "rejected"
    assert [(i["severity"], i["row"], i["column"], i["raw"]) for i in issues["issues"]] == [
        ("error", 4, "Credit", "abc")
    ]
    assert run_cli("records", str(ledger["id"]), env=env).returncode == 1  # a rejected ledger is not served

    fixed = run_cli("reprocess", str(ledger["id"]), "--accept-issues", "--json", env=env)
    assert fixed.returncode == 0, fixed.stderr
    accepted = json.loads(fixed.stdout)
    assert (accepted["id"], accepted["status"], accepted["record_count"]) == (ledger["id"], "active", 2)
    assert accepted["sequence"] == ledger["sequence"]
    assert accepted["issues"]["counts"]["error"] == 1  # accepted, still on record

    listed = json.loads(run_cli("ledgers", "--account", "BADROW", "--json", env=env).stdout)
    assert [(r["id"], r["status"], r["issues"]) for r in listed] == [
        (ledger["id"], "active", {"error": 1, "warning": 0, "info": 0})
    ]
    table = run_cli("ledgers", "--account", "BADROW", env=env)
    assert "1 error" in table.stdout

    verified = run_cli("verify", "--deep", "--json", env=env)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert json.loads(verified.stdout)["issues_checked"] == 1


def test_accept_issues_on_ingest_and_from_the_setting(
    env: dict[str, str], bad_csv: Path, tmp_path: Path
) -> None:
    code, ledger, stderr = _ingest(env, bad_csv, "--accept-issues")
    assert code == 0, stderr
    assert (ledger["status"], ledger["record_count"]) == ("active", 2)
    assert "1 error" in stderr  # accepted, but shown
    other = tmp_path / "other.csv"
    other.write_text(BAD_ROW.replace("2025-01-01", "2025-01-05"))
    result = run_cli(
        "ingest",
        str(other),
        "--account",
        "SETTING",
        "--fiscal-year",
        "2025",
        env={**env, "LEDGERSTORE_ACCEPT_ISSUES": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert "active, 2 records" in result.stdout
    bad = run_cli("ledgers", env={**env, "LEDGERSTORE_ACCEPT_ISSUES": "maybe"})
    assert bad.returncode == 2 and "LEDGERSTORE_ACCEPT_ISSUES" in bad.stderr


def test_reingesting_identical_bytes_with_other_options_retries_in_place(
    env: dict[str, str], bad_csv: Path
) -> None:
    code, first, _ = _ingest(env, bad_csv)
    assert (code, first["status"]) == (1, "rejected")
    code, again, _ = _ingest(env, bad_csv)  # same options: still rejected, nothing new
    assert (code, again["id"], again["status"], again["created"]) == (1, first["id"], "rejected", False)
    code, retried, stderr = _ingest(env, bad_csv, "--accept-issues")
    assert code == 0, stderr
    assert (retried["id"], retried["sequence"], retried["status"]) == (
        first["id"],
        first["sequence"],
        "active",
    )
    # processed: other options are refused with what to do, in one line
    result = run_cli(
        "ingest",
        str(bad_csv),
        "--account",
        "BADROW",
        "--fiscal-year",
        "2025",
        "--encoding",
        "latin-1",
        env=env,
    )
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "already ledger file" in result.stderr and "reprocess" in result.stderr


def test_a_failed_sheet_is_corrected_by_reprocess(env: dict[str, str]) -> None:
    workbook = SAMPLES / "sql-acct__general_ledger.xlsx"
    failed = run_cli(
        "ingest",
        str(workbook),
        "--account",
        "SQL",
        "--fiscal-year",
        "2025",
        "--sheet",
        "Sheet9",
        "--json",
        env=env,
    )
    assert failed.returncode == 3
    ledger = json.loads(failed.stdout)
    assert ledger["status"] == "failed"
    retried = run_cli(
        "ingest",
        str(workbook),
        "--account",
        "SQL",
        "--fiscal-year",
        "2025",
        "--json",
        "--accept-issues",
        env=env,
    )
    assert retried.returncode == 0, retried.stderr
    again = json.loads(retried.stdout)
    assert (again["id"], again["status"]) == (ledger["id"], "active")
    assert again["record_count"] > 0


def test_reprocess_refuses_a_processed_ledger_and_an_unknown_one(env: dict[str, str], bad_csv: Path) -> None:
    code, ledger, _ = _ingest(env, bad_csv, "--accept-issues")
    assert code == 0
    result = run_cli("reprocess", str(ledger["id"]), "--sheet", "x", env=env)
    assert result.returncode == 1
    assert "only failed or rejected uploads are reprocessed" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    queued = run_cli("reprocess", str(ledger["id"]), "--queue", env=env)
    assert queued.returncode == 1 and "only failed or rejected" in queued.stderr
    missing = run_cli("reprocess", "999999", env=env)
    assert missing.returncode == 4, missing.stderr


def test_a_reprocessed_older_upload_never_demotes_a_newer_active_one(
    env: dict[str, str], bad_csv: Path, tmp_path: Path
) -> None:
    code, old, _ = _ingest(env, bad_csv)
    assert code == 1
    newer = tmp_path / "newer.csv"
    newer.write_text(BAD_ROW.replace(",abc", ",5.00").replace(",10.00,\n", ",15.00,\n"))
    code, new, stderr = _ingest(env, newer)
    assert (code, new["status"]) == (0, "active"), stderr
    fixed = json.loads(run_cli("reprocess", str(old["id"]), "--accept-issues", "--json", env=env).stdout)
    assert fixed["status"] == "superseded"
    active = json.loads(run_cli("ledgers", "--status", "active", "--json", env=env).stdout)
    assert [r["id"] for r in active] == [new["id"]]


def test_issues_csv_and_table(env: dict[str, str], bad_csv: Path) -> None:
    _, ledger, _ = _ingest(env, bad_csv)
    as_csv = run_cli("issues", str(ledger["id"]), "--csv", env=env)
    assert as_csv.returncode == 0, as_csv.stderr
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [(r["severity"], r["row"], r["column"], r["raw"]) for r in rows] == [
        ("error", "4", "Credit", "abc")
    ]
    table = run_cli("issues", str(ledger["id"]), env=env)
    assert "row 4, column Credit" in table.stdout and "1 error" in table.stdout
    assert run_cli("issues", "424242", env=env).returncode == 4


def test_check_results_are_kept_as_warnings(env: dict[str, str]) -> None:
    sample = SAMPLES / "fivetran-intacct__sage_intacct__gl_detail.csv"
    result = run_cli(
        "ingest", str(sample), "--account", "INTACCT", "--fiscal-year", "2020", "--json", env=env
    )
    assert result.returncode == 0, result.stderr  # warnings never block
    ledger = json.loads(result.stdout)
    codes = {issue["code"] for issue in ledger["issues"]["issues"]}
    assert {"check-journal_balance", "check-fiscal_year"} <= codes
    assert ledger["issues"]["counts"]["error"] == 0 and ledger["issues"]["counts"]["warning"] >= 2
    assert "warnings" in result.stderr


def _on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run the CLI with stderr on a pseudo-terminal; its exit code and what the terminal showed."""
    import os
    import pty
    import subprocess
    import sys

    from tests.e2e.cli import ROOT

    leader, follower = pty.openpty()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERSTORE_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "workers.cli", *args],
        cwd=ROOT,
        env={**clean, **env},
        stdout=subprocess.DEVNULL,
        stderr=follower,
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    return process.wait(timeout=120), shown.decode(errors="replace")


def test_large_files_show_progress_on_a_terminal(env: dict[str, str], tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    rows = [
        f"2025-01-{1 + i % 28:02d},4000,row {i},1.00,\n2025-01-01,4001,row {i},,1.00\n" for i in range(18_000)
    ]
    big.write_text("Date,Account,Description,Debit,Credit\n" + "".join(rows))
    assert big.stat().st_size > 1 << 20
    code, shown = _on_a_terminal(["ingest", str(big), "--account", "BIG", "--fiscal-year", "2025"], env)
    assert code == 0, shown
    assert "big.csv [" in shown and "3/3 100%" in shown
    out = tmp_path / "out.jsonl"
    code, shown = _on_a_terminal(
        ["records", "--account", "BIG", "--fiscal-year", "2025", "--out", str(out)], env
    )
    assert code == 0, shown
    assert "out.jsonl [" in shown and "36000/36000 100%" in shown
    quiet = run_cli("records", "--account", "BIG", "--fiscal-year", "2025", "--out", str(out), env=env)
    assert "[" not in quiet.stderr  # not a terminal: no bar


def test_a_mistyped_encoding_is_corrected_by_ingesting_again(env: dict[str, str], tmp_path: Path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes(
        "Date,Account,Description,Debit,Credit\n2025-01-01,4000,Café,1.00,\n2025-01-01,4001,b,,1.00\n".encode(
            "cp1252"
        )
    )
    base = ["ingest", str(latin), "--account", "ENC", "--fiscal-year", "2025", "--json"]
    failed = run_cli(*base, "--encoding", "utf-99", env=env)
    assert failed.returncode == 3, failed.stderr
    first = json.loads(failed.stdout)
    assert first["status"] == "failed"
    fixed = run_cli(*base, "--encoding", "cp1252", env=env)
    assert fixed.returncode == 0, fixed.stderr
    again = json.loads(fixed.stdout)
    assert (again["id"], again["status"], again["created"]) == (first["id"], "active", False)


def test_reprocess_queue_leaves_it_to_a_worker(env: dict[str, str], bad_csv: Path) -> None:
    code, ledger, _ = _ingest(env, bad_csv)
    assert code == 1
    queued = run_cli("reprocess", str(ledger["id"]), "--accept-issues", "--queue", env=env)
    assert queued.returncode == 0, queued.stderr
    assert f"queued the reprocess of ledger file {ledger['id']}" in queued.stdout
    assert json.loads(run_cli("ledgers", "--json", env=env).stdout)[0]["status"] == "rejected"  # not yet
    worked = run_cli("worker", "--burst", env=env)
    assert worked.returncode == 0, worked.stderr
    [row] = json.loads(run_cli("ledgers", "--json", env=env).stdout)
    assert (row["status"], row["record_count"]) == ("active", 2)

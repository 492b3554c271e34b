"""The CLI keeps its word: documented exit codes, one stderr line, arguments checked first.

Each case here was a traceback, a wrong exit code or a misleading message before (issue 10);
the command runs as a subprocess, the way a user runs it.
"""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.cli import ROOT, run_cli
from workers.cli.output import EXIT_CODES

SAMPLES = ROOT / "fixtures" / "samples"
LEDGERS = ROOT / "fixtures" / "ledgers"


def _one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("ledgerstore: error: ")
    return lines[0]


def _ledgers(env: dict[str, str]) -> list[dict[str, object]]:
    result = run_cli("ledgers", "--json", env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_readme_exit_code_table_is_the_cli_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| (\d+) \| (.+?) \|$", readme, flags=re.MULTILINE))
    assert {int(code): meaning for code, meaning in rows.items()} == {
        int(code): meaning for code, meaning in EXIT_CODES.items()
    }


@pytest.mark.parametrize("year", ["99999", "0", "-5", "1899", "3000", "twenty"])
def test_fiscal_year_out_of_range_is_usage_and_stores_nothing(env: dict[str, str], year: str) -> None:
    result = run_cli(
        "ingest", str(LEDGERS / "acme-2025-v1.csv"), "--account", "A", f"--fiscal-year={year}", env=env
    )
    assert result.returncode == 2
    assert "fiscal" in _one_error_line(result)
    assert _ledgers(env) == []
    assert not (Path(env["LEDGERSTORE_OBJECT_URL"].removeprefix("file://"))).exists()


@pytest.mark.parametrize("account", ["", "   ", "a\tb"])
def test_empty_or_control_account_is_usage(env: dict[str, str], account: str) -> None:
    result = run_cli(
        "ingest", str(LEDGERS / "acme-2025-v1.csv"), "--account", account, "--fiscal-year", "2025", env=env
    )
    assert result.returncode == 2
    assert "account" in _one_error_line(result)
    assert _ledgers(env) == []


def test_unreachable_database_is_exit_5_in_one_line(tmp_path: Path) -> None:
    env = {
        "LEDGERSTORE_HOME": str(tmp_path),
        "LEDGERSTORE_DATABASE_URL": "postgresql://nobody:secret@127.0.0.1:1/none",
    }
    result = run_cli("db", "current", env=env)
    assert result.returncode == 5
    line = _one_error_line(result)
    assert "unavailable" in line
    assert "secret" not in line


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("LEDGERSTORE_OBJECT_URL", "ftp://bucket/x", "scheme"),
        ("LEDGERSTORE_OBJECT_URL", "s3://", "bucket"),
        ("LEDGERSTORE_DATABASE_URL", "not a url", "LEDGERSTORE_DATABASE_URL"),
        ("LEDGERSTORE_DATABASE_URL", "mysql://u@h/db", "PostgreSQL"),
    ],
)
def test_bad_settings_are_usage_even_for_status(
    env: dict[str, str], variable: str, value: str, message: str
) -> None:
    result = run_cli("status", env={**env, variable: value})
    assert result.returncode == 2
    assert message in _one_error_line(result)


def test_missing_manifest_is_not_found(env: dict[str, str]) -> None:
    result = run_cli("register", "/nope.csv", env=env)
    assert result.returncode == 4
    assert "/nope.csv" in _one_error_line(result)


def test_missing_ingest_file_is_not_found_and_stores_nothing(env: dict[str, str]) -> None:
    result = run_cli("ingest", "/nope.csv", "--account", "A", "--fiscal-year", "2025", env=env)
    assert result.returncode == 4
    _one_error_line(result)
    assert _ledgers(env) == []


@pytest.mark.parametrize(
    "args",
    [
        ("drift", "--sample", "0"),
        ("backfill", "--jobs", "0"),
        ("backfill", "--limit", "-1"),
        ("worker", "--concurrency", "0"),
        ("worker", "--metrics-port", "70000"),
        ("records", "0"),
        ("records", "1", "--out", "/tmp"),
        ("records", "1", "--out", "/nonexistent-dir/x.jsonl"),
        ("report", "trial-balance", "-3"),
        ("ledgers", "--fiscal-year", "abc"),
        ("no-such-command",),
    ],
)
def test_bad_arguments_are_usage_in_one_line(env: dict[str, str], args: tuple[str, ...]) -> None:
    result = run_cli(*args, env=env)
    assert result.returncode == 2
    assert "--help" in _one_error_line(result)


def test_failed_ingest_says_so_once_on_stderr(env: dict[str, str], tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(bytes(range(256)) * 20)
    result = run_cli("ingest", str(garbage), "--account", "A", "--fiscal-year", "2025", env=env)
    assert result.returncode == 3
    assert result.stdout == ""
    assert "garbage.csv" in _one_error_line(result)


def test_journal_check_finding_unbalanced_journals_exits_1(env: dict[str, str]) -> None:
    sample = SAMPLES / "fivetran-intacct__sage_intacct__gl_detail.csv"
    ingest = run_cli("ingest", str(sample), "--account", "SI", "--fiscal-year", "2020", "--json", env=env)
    assert ingest.returncode == 0, ingest.stderr
    ledger_id = str(json.loads(ingest.stdout)["id"])
    result = run_cli("report", "journal-check", ledger_id, "--format", "json", env=env)
    assert result.returncode == 1
    assert "40933" in result.stdout
    balanced = run_cli(
        "ingest", str(LEDGERS / "acme-2025-v1.csv"), "--account", "B", "--fiscal-year", "2025", env=env
    )
    assert balanced.returncode == 0, balanced.stderr
    active = run_cli("report", "journal-check", "--account", "B", "--fiscal-year", "2025", env=env)
    assert active.returncode == 0, active.stderr


def test_xlsx_report_refuses_a_terminal(env: dict[str, str]) -> None:
    ingest = run_cli(
        "ingest", str(LEDGERS / "acme-2025-v1.csv"), "--account", "A", "--fiscal-year", "2025", env=env
    )
    assert ingest.returncode == 0, ingest.stderr
    leader, follower = pty.openpty()
    try:
        clean = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERSTORE_")}
        process = subprocess.run(
            [
                sys.executable,
                "-m",
                "workers.cli",
                "report",
                "trial-balance",
                "--account",
                "A",
                "--fiscal-year",
                "2025",
                "--format",
                "xlsx",
            ],
            cwd=ROOT,
            env={**clean, **env},
            stdout=follower,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert process.returncode == 2
    assert "--out" in process.stderr


def test_verbose_logs_only_ledgerstore_events(env: dict[str, str]) -> None:
    result = run_cli(
        "-v", "ingest", str(LEDGERS / "acme-2025-v1.csv"), "--account", "A", "--fiscal-year", "2025", env=env
    )
    assert result.returncode == 0, result.stderr
    loggers = {json.loads(line)["logger"] for line in result.stderr.splitlines() if line.startswith("{")}
    assert loggers, "-v logged nothing"
    assert {name.split(".")[0] for name in loggers} <= {"ledgerstore", "normalizer", "reporting", "workers"}


def test_record_csv_neutralises_formulas_unless_raw(env: dict[str, str], tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.csv"
    hostile.write_text(
        "Date,Account,Description,Reference,Debit,Credit\n"
        '2025-01-02,1000,"=HYPERLINK(""http://x"")",@SUM(A1),10.00,\n'
        "2025-01-02,+cmd,=cmd|' /C calc'!A0,-2,,10.00\n",
        encoding="utf-8",
    )
    name = "evil\x1b[31m.csv"
    ingest = run_cli(
        "ingest", str(hostile), "--account", "H", "--fiscal-year", "2025", "--name", name, "--json", env=env
    )
    assert ingest.returncode == 0, ingest.stderr
    ledger_id = str(json.loads(ingest.stdout)["id"])
    safe = run_cli("records", ledger_id, "--format", "csv", env=env)
    assert safe.returncode == 0, safe.stderr
    body = safe.stdout.splitlines()[1:]
    cells = [cell for line in body for cell in line.split(",")]
    assert not [c for c in cells if c.lstrip('"').startswith(("=", "+", "-", "@"))], body
    assert "'=HYPERLINK" in safe.stdout and "'+cmd" in safe.stdout and "'@SUM(A1)" in safe.stdout
    raw = run_cli("records", ledger_id, "--format", "csv", "--raw", env=env)
    assert '"=HYPERLINK(""http://x"")"' in raw.stdout and ",+cmd," in raw.stdout
    listing = run_cli("ledgers", env=env)
    assert listing.returncode == 0, listing.stderr
    assert "\x1b" not in listing.stdout
    assert "evil\\x1b[31m.csv" in listing.stdout


def test_normalize_names_the_file_once(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = run_cli("normalize", str(empty))
    assert result.returncode == 3
    assert _one_error_line(result).count("empty.csv") == 1


def test_a_table_without_money_says_no_amount_column_and_names_what_it_found(tmp_path: Path) -> None:
    table = tmp_path / "noamount.csv"
    table.write_text("Date,Account,Description\n2025-01-02,1000,a\n2025-01-03,2000,b\n", encoding="utf-8")
    result = run_cli("normalize", str(table))
    assert result.returncode == 3
    line = _one_error_line(result)
    assert "no amount column (found Date, Account, Description)" in line
    assert "--explain" in line


def test_the_whole_output_reaches_a_pipe_before_the_quick_exit(env: dict[str, str], tmp_path: Path) -> None:
    """The command skips the interpreter's teardown (`workers.cli.main.run`): what it wrote is
    flushed first, to the last line, and its exit code is kept."""
    from bench.generate import write_csv
    from normalizer import normalize
    from normalizer.canonical import jsonl_lines

    path = tmp_path / "gl.csv"
    write_csv(path, 20_000)
    result = run_cli("normalize", str(path), "--fiscal-year", "2025", "--summary")
    assert result.returncode == 0, result.stderr
    expected = b"".join(jsonl_lines(normalize(path, fiscal_year=2025).records)).decode()
    assert len(result.stdout) > 1 << 20 and result.stdout == expected
    assert json.loads(result.stderr.strip().splitlines()[-1])  # the summary, written last, is whole
    assert run_cli("records", "999", env=env).returncode == 4

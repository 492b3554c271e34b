"""The pipeline commands as a user runs them: ingest, ledgers, records, register."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.e2e.cli import run_cli

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ledgers"


def _ingest(env: dict[str, str], version: int) -> dict[str, object]:
    result = run_cli(
        "ingest",
        str(FIXTURES / f"acme-2025-v{version}.csv"),
        "--account",
        "ACME",
        "--fiscal-year",
        "2025",
        "--json",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_ingest_list_and_read_records_from_each_tier(env: dict[str, str]) -> None:
    first = _ingest(env, 1)
    assert first["status"] == "active"
    assert first["created"] is True
    second = _ingest(env, 2)

    listed = run_cli("ledgers", "--account", "ACME", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [(r["id"], r["status"], r["sequence"], r["has_artifact"]) for r in rows] == [
        (first["id"], "superseded", 1, True),
        (second["id"], "active", 2, True),
    ]
    assert {"id", "account", "fiscal_year", "status", "sequence", "has_artifact"} <= set(rows[0])

    hot = run_cli("records", str(second["id"]), env=env)
    assert hot.returncode == 0, hot.stderr
    assert hot.stderr.strip() == "tier: hot"
    assert hashlib.sha256(hot.stdout.encode()).hexdigest() == second["records_sha256"]

    cold = run_cli("records", str(first["id"]), "--format", "csv", env=env)
    assert cold.returncode == 0, cold.stderr
    assert cold.stderr.strip() == "tier: cold"
    lines = cold.stdout.splitlines()
    assert lines[0].startswith("ledger_file_id,row_number,posted_on,account")
    assert len(lines) == 7

    table = run_cli("ledgers", env=env)
    assert "superseded" in table.stdout
    assert "active" in table.stdout


def test_register_then_records_are_reprocessed_then_cold(env: dict[str, str], tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.json"
    manifest.write_text(
        json.dumps(
            [
                {
                    "path": str(FIXTURES / "acme-2025-v1.csv"),
                    "account": "OLD",
                    "fiscal_year": 2019,
                    "name": "gl-2019.csv",
                    "uploaded_at": "2020-01-15T10:00:00Z",
                }
            ]
        )
    )
    registered = run_cli("register", str(manifest), "--json", env=env)
    assert registered.returncode == 0, registered.stderr
    (ledger_id,) = json.loads(registered.stdout)["registered"]
    first = run_cli("records", str(ledger_id), env=env)
    second = run_cli("records", str(ledger_id), env=env)
    assert (first.stderr.strip(), second.stderr.strip()) == ("tier: reprocessed", "tier: cold")
    assert first.stdout == second.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("records", "999"), 4, "ledger file 999 does not exist"),
        (("ingest", "/no/such/file.csv", "--account", "A", "--fiscal-year", "2025"), 4, "/no/such/file.csv"),
        (
            (
                "ingest",
                str(FIXTURES / "acme-2025-v1.csv"),
                "--account",
                "A",
                "--fiscal-year",
                "2025",
                "--profile",
                "no-such-profile",
            ),
            3,
            "no profile named 'no-such-profile'",
        ),
    ],
)
def test_errors_are_one_line_with_a_meaningful_exit_code(
    env: dict[str, str], args: tuple[str, ...], code: int, message: str
) -> None:
    result = run_cli(*args, env=env)
    assert result.returncode == code, result.stderr
    assert result.stderr.count("\n") == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_file_that_cannot_be_normalized_exits_3_and_is_listed_as_failed(
    env: dict[str, str], tmp_path: Path
) -> None:
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(bytes(range(256)) * 20)
    result = run_cli("ingest", str(garbage), "--account", "A", "--fiscal-year", "2025", env=env)
    assert result.returncode == 3
    assert "could not be normalized" in result.stderr
    failed = json.loads(run_cli("ledgers", "--status", "failed", "--json", env=env).stdout)
    assert len(failed) == 1
    assert failed[0]["error"]

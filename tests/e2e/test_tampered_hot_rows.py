"""Hot rows altered in the database are never reported or written (issue 13, finding 4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine

from tests.e2e.cli import ROOT, run_cli

LEDGER = ROOT / "fixtures" / "ledgers" / "acme-2025-v1.csv"


@pytest.fixture
def env(database_url: URL, tmp_path: Path) -> dict[str, str]:
    return {
        "LEDGERSTORE_HOME": str(tmp_path / "home"),
        "LEDGERSTORE_DATABASE_URL": database_url.render_as_string(hide_password=False),
        "LEDGERSTORE_OBJECT_URL": (tmp_path / "objects").as_uri(),
    }


def _ingest(env: dict[str, str]) -> int:
    result = run_cli(
        "ingest", str(LEDGER), "--account", "ACME", "--fiscal-year", "2025", "--json", env=env
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return int(json.loads(result.stdout)["id"])


def _tamper(engine: Engine, ledger_id: int) -> None:
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "UPDATE hot_records SET debit = debit + 1000000 WHERE ledger_file_id = :id AND debit > 0"
            ),
            {"id": ledger_id},
        )
        connection.execute(sa.text("DELETE FROM integrity_incidents"))  # a fresh, undetected tamper


def _incidents(engine: Engine, ledger_id: int) -> list[str]:
    with engine.connect() as connection:
        query = sa.text("SELECT kind FROM integrity_incidents WHERE ledger_file_id = :id ORDER BY id")
        return list(connection.execute(query, {"id": ledger_id}).scalars())


def _totals(stdout: str) -> list[object]:
    return list(json.loads(stdout)["sections"][1]["rows"])


def test_a_report_over_tampered_hot_rows_gives_the_artifacts_totals(
    env: dict[str, str], engine: Engine
) -> None:
    ledger_id = _ingest(env)
    clean = run_cli("report", "trial-balance", str(ledger_id), "--format", "json", env=env)
    assert clean.returncode == 0, clean.stderr
    _tamper(engine, ledger_id)

    report = run_cli("report", "trial-balance", str(ledger_id), "--format", "json", env=env)
    assert report.returncode == 0, report.stderr
    assert _totals(report.stdout) == _totals(clean.stdout)
    assert "1001824.46" not in report.stdout
    assert "tier: cold" in report.stderr
    assert _incidents(engine, ledger_id) == ["hot_mismatch"]
    # Later reads go to the verified artifact straight away.
    again = run_cli("report", "trial-balance", str(ledger_id), "--format", "json", env=env)
    assert again.returncode == 0 and again.stderr == "tier: cold\n"
    assert _totals(again.stdout) == _totals(clean.stdout)


def test_records_out_leaves_no_tampered_file(env: dict[str, str], engine: Engine, tmp_path: Path) -> None:
    ledger_id = _ingest(env)
    clean = run_cli("records", str(ledger_id), env=env)
    assert clean.returncode == 0, clean.stderr
    _tamper(engine, ledger_id)
    out = tmp_path / "records.jsonl"
    written = run_cli("records", str(ledger_id), "--out", str(out), env=env)
    assert written.returncode == 1
    assert "do not match their recorded checksum" in written.stderr
    assert not out.exists()
    assert list(tmp_path.glob(".records.jsonl.*")) == []  # no temporary file left behind
    assert _incidents(engine, ledger_id) == ["hot_mismatch"]
    # The next read is served from the artifact and is the untampered records.
    rewritten = run_cli("records", str(ledger_id), "--out", str(out), env=env)
    assert rewritten.returncode == 0, rewritten.stderr
    assert out.read_text() == clean.stdout


def test_records_on_stdout_end_with_an_error_line_and_exit_1(env: dict[str, str], engine: Engine) -> None:
    ledger_id = _ingest(env)
    _tamper(engine, ledger_id)
    streamed = run_cli("records", str(ledger_id), env=env)
    assert streamed.returncode == 1
    # A pipe may have seen the rows: the error line and the exit status say they are not to be used.
    assert streamed.stderr.splitlines()[-1].startswith("ledgerstore: error: ledger file ")
    assert "do not match their recorded checksum" in streamed.stderr

"""The README's main job on the embedded defaults, and the db/status commands' contracts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from ledgerstore.db.migrate import head_revision
from tests.e2e.cli import run_cli


@pytest.mark.timeout(180)
def test_db_upgrade_and_status_on_the_embedded_defaults(tmp_path: Path) -> None:
    env = {"LEDGERSTORE_HOME": str(tmp_path / "home")}
    try:
        upgraded = run_cli("db", "upgrade", env=env)
        assert upgraded.returncode == 0, upgraded.stderr
        assert f"database schema at revision {head_revision()}" in upgraded.stdout
        status = run_cli("status", "--json", env=env)
        assert status.returncode == 0, status.stderr
        report = json.loads(status.stdout)
        assert report["ledger_files"]["total"] == 0
        assert report["hot"] == {"partitions": 0, "bytes": 0}
        assert (tmp_path / "home" / "pgdata" / "PG_VERSION").exists()
    finally:
        stopped = run_cli("db", "stop", env=env)
    assert stopped.returncode == 0, stopped.stderr
    assert "stopped" in stopped.stdout


def test_status_against_an_external_database_url(database_url: URL, tmp_path: Path) -> None:
    env = {
        "LEDGERSTORE_HOME": str(tmp_path / "home"),
        "LEDGERSTORE_DATABASE_URL": database_url.render_as_string(hide_password=False),
    }
    result = run_cli("status", env=env)
    assert result.returncode == 0, result.stderr
    assert "ledger files: 0" in result.stdout
    assert not (tmp_path / "home" / "pgdata").exists()  # no embedded server was started


def test_unreachable_database_is_one_line_and_exit_code_5(tmp_path: Path) -> None:
    env = {
        "LEDGERSTORE_HOME": str(tmp_path / "home"),
        "LEDGERSTORE_DATABASE_URL": f"postgresql://nobody@/ledgers?host={tmp_path}/no-such-socket-dir",
    }
    result = run_cli("status", env=env)
    assert result.returncode == 5
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("ledgerstore: error: ")
    assert "Traceback" not in result.stderr


def test_a_database_url_that_is_not_postgresql_is_refused(tmp_path: Path) -> None:
    env = {"LEDGERSTORE_HOME": str(tmp_path / "home"), "LEDGERSTORE_DATABASE_URL": "sqlite:///x.db"}
    result = run_cli("status", env=env)
    # A bad setting is a usage error (exit 2) since issue 10 made the codes follow the README table.
    assert result.returncode == 2
    assert "must name a PostgreSQL server, not 'sqlite'" in result.stderr

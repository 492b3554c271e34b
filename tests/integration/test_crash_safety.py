"""A process killed at any step of processing leaves a state that a rerun completes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from ledgerstore import LedgerStore, Settings

ROOT = Path(__file__).resolve().parents[2]


def _crash(settings: Settings, point: str, path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERSTORE_")}
    env.update(
        LEDGERSTORE_HOME=str(settings.home),
        LEDGERSTORE_DATABASE_URL=settings.database_url or "",
        LEDGERSTORE_OBJECT_URL=settings.resolved_object_url,
    )
    result = subprocess.run(
        [sys.executable, "-m", "tests.integration.crash_process", point, str(path), "ACME", "2025"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == -signal.SIGKILL, result.stderr


@pytest.mark.parametrize("point", ["after_raw", "after_artifact", "during_copy", "before_commit"])
def test_rerun_after_a_crash_converges(
    store: LedgerStore, settings: Settings, ledger_fixture: Path, point: str
) -> None:
    old = store.ingest(ledger_fixture / "acme-2025-v1.csv", account="ACME", fiscal_year=2025).ledger
    _crash(settings, point, ledger_fixture / "acme-2025-v2.csv")

    # The old active ledger is intact until the new one is committed.
    assert store.active("ACME", 2025).id == old.id  # type: ignore[union-attr]
    with store.records(old.id) as records:
        assert records.tier == "hot"
        assert len(records.to_list()) == 6

    # Rerunning (the upload is idempotent; processing resumes) reaches the right final state.
    new = store.ingest(ledger_fixture / "acme-2025-v2.csv", account="ACME", fiscal_year=2025).ledger
    assert new.status == "active"
    assert store.ledger(old.id).status == "superseded"
    assert len(store.history("ACME", 2025)) == 2
    with store.engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT ledger_file_id, count(*) FROM hot_records GROUP BY ledger_file_id")
        ).all()
    assert rows == [(new.id, 6)]
    with store.records(new.id) as records:
        assert records.tier == "hot"
        assert len(records.to_list()) == 6
    with store.records(old.id) as records:
        assert records.tier == "cold"

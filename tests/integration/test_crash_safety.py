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


def crash(settings: Settings, point: str, path: Path, **extra_env: str) -> None:
    """Run `crash_process` at `point` on `path` (account ACME, 2025) and see it killed there."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERSTORE_")}
    env.update(
        LEDGERSTORE_HOME=str(settings.home),
        LEDGERSTORE_DATABASE_URL=settings.database_url or "",
        LEDGERSTORE_OBJECT_URL=settings.resolved_object_url,
        **extra_env,
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
    crash(settings, point, ledger_fixture / "acme-2025-v2.csv")

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


@pytest.mark.parametrize("own_partition_rows", [1, 20_000], ids=["own-partition", "shared-slot"])
def test_a_failed_freeze_rolls_back_the_rows_staged_beside_it(
    store: LedgerStore, ledger_fixture: Path, monkeypatch: pytest.MonkeyPatch, own_partition_rows: int
) -> None:
    """A large ledger's artifact is written in a thread while its partition is staged: if writing
    it fails, the staged rows go with the switch's transaction, nothing is switched, and a retry
    completes (a small one is frozen first, then loaded)."""
    import ledgerstore.lifecycle.process as process

    store.own_partition_rows = own_partition_rows
    old = store.ingest(ledger_fixture / "acme-2025-v1.csv", account="ACME", fiscal_year=2025).ledger
    real = process.ensure_artifact

    def unavailable(*args: object, **kwargs: object) -> None:
        raise OSError("object store unavailable")

    monkeypatch.setattr(process, "ensure_artifact", unavailable)
    with pytest.raises(OSError, match="unavailable"):
        store.ingest(ledger_fixture / "acme-2025-v2.csv", account="ACME", fiscal_year=2025)
    with store.engine.connect() as connection:
        tables = connection.execute(
            sa.text("SELECT relname FROM pg_class WHERE relname LIKE 'hot_stage_%' AND relkind = 'r'")
        ).all()
        statuses = connection.execute(sa.text("SELECT id, status FROM ledger_files ORDER BY id")).all()
    assert tables == []
    assert statuses == [(old.id, "active"), (old.id + 1, "pending")]

    monkeypatch.setattr(process, "ensure_artifact", real)
    new = store.ingest(ledger_fixture / "acme-2025-v2.csv", account="ACME", fiscal_year=2025).ledger
    assert new.status == "active"
    assert store.ledger(old.id).status == "superseded"


def test_a_small_ledger_is_frozen_and_switched_by_one_commit(
    store: LedgerStore, ledger_fixture: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A small ledger's artifact is recorded in the switch's transaction: a switch that fails
    after the freeze leaves the row as it was (no artifact recorded, pending), the old ledger
    active, and a retry adopts the artifact already written and completes."""
    import ledgerstore.lifecycle.switch as switch

    old = store.ingest(ledger_fixture / "acme-2025-v1.csv", account="ACME", fiscal_year=2025).ledger
    real = switch.copy_into_slot

    def failing(*args: object, **kwargs: object) -> None:
        raise OSError("connection lost mid-COPY")

    monkeypatch.setattr(switch, "copy_into_slot", failing)
    with pytest.raises(OSError, match="mid-COPY"):
        store.ingest(ledger_fixture / "acme-2025-v2.csv", account="ACME", fiscal_year=2025)
    new = store.ledger(old.id + 1)
    assert (new.status, new.has_artifact, new.summary) == ("pending", False, None)
    assert store.active("ACME", 2025).id == old.id  # type: ignore[union-attr]

    monkeypatch.setattr(switch, "copy_into_slot", real)
    done = store.ingest(ledger_fixture / "acme-2025-v2.csv", account="ACME", fiscal_year=2025).ledger
    assert (done.id, done.status, done.has_artifact) == (new.id, "active", True)
    with store.records(done.id) as records:
        assert records.tier == "hot" and len(records.to_list()) == 6

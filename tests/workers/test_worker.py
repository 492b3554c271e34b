"""A worker in this process: processes jobs, retries transient errors, fails permanent ones at once,
and requeues the jobs of a dead worker."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa
from procrastinate import App

from ledgerstore import LedgerStore
from ledgerstore.db.queue_jobs import queue_depth
from ledgerstore.errors import DatabaseUnavailableError
from tests.workers.conftest import jobs_of
from tests.workers.ledgers import ledger_csv
from workers.app import queue_processing
from workers.metrics import WorkerMetrics
from workers.retry import TransientRetry
from workers.stalled import recover_stalled_jobs
from workers.tasks import TaskSettings
from workers.worker import WorkerSettings, run_worker

BURST = WorkerSettings(burst=True, tasks=TaskSettings(retry=TransientRetry(base_seconds=0)))


def _queued_upload(store: LedgerStore, app: App, data: bytes, account: str = "ACME") -> int:
    result = store.upload(
        data,
        account=account,
        fiscal_year=2025,
        name="gl.csv",
        on_created=queue_processing(app),
    )
    return result.ledger.id


def test_a_worker_processes_queued_uploads(store: LedgerStore, app: App) -> None:
    ids = [_queued_upload(store, app, ledger_csv(n)) for n in range(3)]
    metrics = WorkerMetrics()
    run_worker(store, BURST, metrics)
    assert [store.ledger(i).status for i in ids] == ["superseded", "superseded", "active"]
    assert all(jobs_of(store, i)[0]["status"] == "succeeded" for i in ids)
    assert metrics.task_duration.count(task="ledgerstore.process_ledger", outcome="succeeded") == 3


def test_a_permanent_error_fails_the_job_at_once_with_the_reason_on_the_ledger(
    store: LedgerStore, app: App
) -> None:
    bad = _queued_upload(store, app, b"\x00\x01\x02 binary garbage \xff\xfe" * 50)
    run_worker(store, BURST)
    [job] = jobs_of(store, bad)
    assert (job["status"], job["attempts"]) == ("failed", 1)
    ledger = store.ledger(bad)
    assert ledger.status == "failed"
    assert ledger.error


def test_a_transient_error_is_retried(store: LedgerStore, app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    ledger_id = _queued_upload(store, app, ledger_csv(5))
    calls: list[int] = []
    original = LedgerStore.process

    def flaky(self: LedgerStore, ledger_file_id: int) -> object:
        calls.append(ledger_file_id)
        if len(calls) == 1:
            raise DatabaseUnavailableError("the database is unreachable (simulated)")
        return original(self, ledger_file_id)

    monkeypatch.setattr(LedgerStore, "process", flaky)
    run_worker(store, BURST)
    [job] = jobs_of(store, ledger_id)
    assert (job["status"], job["attempts"]) == ("succeeded", 2)
    assert store.ledger(ledger_id).status == "active"


def test_the_jobs_of_a_dead_worker_are_requeued_and_done(store: LedgerStore, app: App) -> None:
    ledger_id = _queued_upload(store, app, ledger_csv(6))
    with store.engine.begin() as connection:  # a worker takes the job, then dies (no heartbeat)
        register = sa.text("SELECT worker_id FROM procrastinate_register_worker_v1()")
        worker = connection.execute(register).scalar()
        connection.execute(
            sa.text("SELECT id FROM procrastinate_fetch_job_v2(NULL, :w)"), {"w": worker}
        ).scalar_one()
        connection.execute(
            sa.text("UPDATE procrastinate_workers SET last_heartbeat = now() - interval '5 minutes'")
        )
    with store.engine.connect() as connection:
        assert queue_depth(connection)["stalled"] == 1

    async def recover() -> list[int]:
        async with app.open_async():
            return await recover_stalled_jobs(app, stalled_after_s=30)

    assert len(asyncio.run(recover())) == 1
    with store.engine.connect() as connection:
        depth = queue_depth(connection)
    assert (depth["todo"], depth["doing"], depth["stalled"]) == (1, 0, 0)
    run_worker(store, BURST)
    assert store.ledger(ledger_id).status == "active"

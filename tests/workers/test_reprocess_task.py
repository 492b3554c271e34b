"""Queued uploads follow the reject policy, and a queued reprocess corrects one in place."""

from __future__ import annotations

from procrastinate import App

from ledgerstore import LedgerStore
from tests.workers.conftest import jobs_of
from workers.app import defer_reprocess, queue_processing
from workers.retry import TransientRetry
from workers.tasks import TaskSettings
from workers.worker import WorkerSettings, run_worker

BURST = WorkerSettings(burst=True, tasks=TaskSettings(retry=TransientRetry(base_seconds=0)))
BAD_ROW = (
    b"Date,Account,Description,Debit,Credit\n"
    b"2025-01-01,4000,a,10.00,\n"
    b"2025-01-02,4000,b,,10.00\n"
    b"2025-01-03,4000,c,,abc\n"
)


def test_a_queued_bad_row_is_rejected_then_a_queued_reprocess_accepts_it(
    store: LedgerStore, app: App
) -> None:
    ledger = store.upload(BAD_ROW, account="Q", fiscal_year=2025, on_created=queue_processing(app)).ledger
    run_worker(store, BURST)
    assert store.ledger(ledger.id).status == "rejected"
    [job] = jobs_of(store, ledger.id)
    assert (job["status"], job["attempts"]) == ("failed", 1)  # for good, not retried

    changes = store.correction(ledger.id, accept_issues=True)
    with store.engine.begin() as connection:
        defer_reprocess(app, connection, ledger, changes.to_json())
    run_worker(store, BURST)
    fixed = store.ledger(ledger.id)
    assert (fixed.status, fixed.record_count, fixed.sequence) == ("active", 2, ledger.sequence)
    assert [(j["task_name"], j["status"]) for j in jobs_of(store, ledger.id)][-1] == (
        "ledgerstore.reprocess_ledger",
        "succeeded",
    )


def test_a_queued_upload_accepted_at_upload_goes_in(store: LedgerStore, app: App) -> None:
    ledger = store.upload(
        BAD_ROW, account="Q", fiscal_year=2025, accept_issues=True, on_created=queue_processing(app)
    ).ledger
    run_worker(store, BURST)
    assert store.ledger(ledger.id).status == "active"
    assert store.issues(ledger.id).counts.error == 1  # type: ignore[union-attr]

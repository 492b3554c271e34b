"""An upload and its job commit together, or neither does; a backfill waits in the queue once."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from procrastinate import App
from procrastinate.exceptions import AlreadyEnqueued

from ledgerstore import LedgerStore
from ledgerstore.db.queue_jobs import queue_depth
from tests.workers.conftest import jobs_of
from tests.workers.ledgers import ledger_csv
from workers.app import defer_freeze, defer_processing, queue_processing


def test_a_committed_upload_always_has_its_job(store: LedgerStore, app: App) -> None:
    result = store.upload(
        ledger_csv(1),
        account="ACME",
        fiscal_year=2025,
        name="gl.csv",
        on_created=queue_processing(app),
    )
    [job] = jobs_of(store, result.ledger.id)
    assert job["task_name"] == "ledgerstore.process_ledger"
    assert job["queue_name"] == "ingest"
    assert job["lock"] == "ledger:ACME:2025"
    assert job["status"] == "todo"
    again = store.upload(
        ledger_csv(1),
        account="ACME",
        fiscal_year=2025,
        on_created=queue_processing(app),
    )
    assert not again.created
    assert len(jobs_of(store, result.ledger.id)) == 1  # identical bytes: no second job


def _count(store: LedgerStore, table: str) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_a_rolled_back_upload_leaves_no_job(store: LedgerStore, app: App) -> None:
    def defer_then_fail(connection: sa.Connection, ledger: object) -> None:
        defer_processing(app, connection, ledger)  # type: ignore[arg-type]
        raise RuntimeError("the web request died before commit")

    with pytest.raises(RuntimeError, match="before commit"):
        store.upload(ledger_csv(2), account="ACME", fiscal_year=2025, on_created=defer_then_fail)
    assert _count(store, "ledger_files") == 0
    assert _count(store, "procrastinate_jobs") == 0


def test_a_job_that_cannot_be_queued_rolls_the_upload_back(store: LedgerStore, app: App) -> None:
    # The job's insert fails (a duplicate queueing lock): the ledger-file row must go with it.
    with store.engine.begin() as connection:
        driver = connection.connection.driver_connection
        app.configure_task("x", queueing_lock="taken", connection=driver).defer()

    def defer_duplicate(connection: sa.Connection, ledger: object) -> None:
        driver = connection.connection.driver_connection
        app.configure_task("x", queueing_lock="taken", connection=driver).defer()

    with pytest.raises(AlreadyEnqueued):
        store.upload(ledger_csv(3), account="ACME", fiscal_year=2025, on_created=defer_duplicate)
    assert _count(store, "ledger_files") == 0
    assert _count(store, "procrastinate_jobs") == 1


def test_a_backfill_is_queued_once_without_spoiling_the_transaction(store: LedgerStore, app: App) -> None:
    ledger = store.upload(ledger_csv(4), account="ACME", fiscal_year=2025).ledger
    with store.engine.begin() as connection:
        first = defer_freeze(app, connection, ledger)
        second = defer_freeze(app, connection, ledger)
        connection.execute(sa.text("SELECT 1"))  # the transaction is still usable
    assert first is not None
    assert second is None
    [job] = jobs_of(store, ledger.id)
    assert job["queueing_lock"] == f"freeze:{ledger.id}"
    with store.engine.connect() as connection:
        assert queue_depth(connection)["todo"] == 1

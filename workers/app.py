"""Deferring jobs on the caller's own database connection, inside the caller's transaction.

procrastinate inserts a job by calling its `procrastinate_defer_jobs_v1` SQL function; given a
psycopg connection (`configure(connection=...)`), it runs that call on it instead of on its
pool. We hand it the psycopg connection under the SQLAlchemy `Connection` of the transaction
that creates the ledger-file row, so the row and its job commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
from procrastinate import App, PsycopgConnector
from procrastinate.exceptions import AlreadyEnqueued
from sqlalchemy.engine import URL, Connection, Engine

from ledgerstore.db.engine import libpq_url
from ledgerstore.ledgers.model import LedgerFile
from ledgerstore.ops.backfill import BackfillPlan
from workers.names import (
    BACKFILL_QUEUE,
    FREEZE_ARTIFACT,
    INGEST_QUEUE,
    PROCESS_LEDGER,
    REPROCESS_LEDGER,
    freeze_queueing_lock,
    pair_lock,
)


def queue_app(url: URL, **pool_args: Any) -> App:
    """A procrastinate App on the database at `url` (its pool opens only when the app is opened).

    Deferring through `defer_processing` / `defer_freeze` never opens it: those use the
    caller's connection.
    """
    return App(connector=PsycopgConnector(conninfo=libpq_url(url), **pool_args))


def _driver(connection: Connection) -> psycopg.Connection[Any]:
    driver = connection.connection.driver_connection
    if not isinstance(driver, psycopg.Connection):
        raise TypeError("the task queue needs a psycopg 3 connection")
    return driver


def defer_processing(app: App, connection: Connection, ledger: LedgerFile) -> int:
    """Queue `process_ledger` for the ledger file in the connection's transaction; the job id."""
    deferrer = app.configure_task(
        PROCESS_LEDGER,
        queue=INGEST_QUEUE,
        lock=pair_lock(ledger.account, ledger.fiscal_year),
        connection=_driver(connection),
    )
    return int(deferrer.defer(ledger_file_id=ledger.id))


def defer_reprocess(app: App, connection: Connection, ledger: LedgerFile, changes: dict[str, Any]) -> int:
    """Queue `reprocess_ledger` (corrected options `changes`) in the connection's transaction."""
    deferrer = app.configure_task(
        REPROCESS_LEDGER,
        queue=INGEST_QUEUE,
        lock=pair_lock(ledger.account, ledger.fiscal_year),
        connection=_driver(connection),
    )
    return int(deferrer.defer(ledger_file_id=ledger.id, changes=changes))


def defer_freeze(app: App, connection: Connection, ledger: LedgerFile) -> int | None:
    """Queue `freeze_artifact` for the ledger file unless one is already waiting (then None).

    Runs in a savepoint, so a duplicate rolls back only itself, not the caller's transaction.
    """
    deferrer = app.configure_task(
        FREEZE_ARTIFACT,
        queue=BACKFILL_QUEUE,
        lock=pair_lock(ledger.account, ledger.fiscal_year),
        queueing_lock=freeze_queueing_lock(ledger.id),
        connection=_driver(connection),
    )
    try:
        with connection.begin_nested():
            return int(deferrer.defer(ledger_file_id=ledger.id))
    except AlreadyEnqueued:
        return None


def queue_processing(app: App) -> Callable[[Connection, LedgerFile], None]:
    """An `on_created` hook for `LedgerStore.upload` that queues the new file's processing."""

    def hook(connection: Connection, ledger: LedgerFile) -> None:
        defer_processing(app, connection, ledger)

    return hook


def enqueue_backfill(engine: Engine, app: App, plan: BackfillPlan, *, batch: int = 500) -> tuple[int, int]:
    """Queue a `freeze_artifact` job per candidate; (queued now, already waiting in the queue)."""
    queued = waiting = 0
    ledgers = list(plan.candidates)
    for start in range(0, len(ledgers), batch):
        with engine.begin() as connection:
            for ledger in ledgers[start : start + batch]:
                if defer_freeze(app, connection, ledger) is None:
                    waiting += 1
                else:
                    queued += 1
    return queued, waiting

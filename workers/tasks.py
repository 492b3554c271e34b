"""The worker's procrastinate App: tasks as thin shells around `LedgerStore`.

    process_ledger(ledger_file_id)   normalize, freeze, switch in one upload   (queue "ingest")
    reprocess_ledger(ledger_file_id, changes)  correct a failed/rejected upload (queue "ingest")
    freeze_artifact(ledger_file_id)  backfill one ledger file's artifact       (queue "backfill")
    backfill_sweep (periodic)        queue freeze_artifact for files missing one
    recover_stalled (periodic)       requeue the jobs of dead workers (fail repeat offenders)

Jobs of one account + fiscal year share a `lock`, so they never run at once; a file's backfill
has a `queueing_lock`, so it waits in the queue at most once. Transient failures are retried
with exponential backoff (`TransientRetry`); permanent ones fail the job at once, the reason
written on the ledger file (`ledgerstore.lifecycle.failure`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from procrastinate import App, JobContext

from ledgerstore.errors import ArtifactConflictError, LedgerStoreError, is_transient
from ledgerstore.ledgers.options import NormalizeOptions
from ledgerstore.lifecycle.failure import record_failure
from ledgerstore.lifecycle.reprocess import NotCorrectableError, reprocess_ledger
from ledgerstore.ops.backfill import BackfillScope, freeze_one, plan_backfill
from ledgerstore.store import LedgerStore
from workers.app import enqueue_backfill
from workers.metrics import WorkerMetrics
from workers.names import (
    BACKFILL_QUEUE,
    BACKFILL_SWEEP,
    FREEZE_ARTIFACT,
    INGEST_QUEUE,
    MAINTENANCE_QUEUE,
    PROCESS_LEDGER,
    RECOVER_STALLED,
    REPROCESS_LEDGER,
)
from workers.retry import TransientRetry
from workers.stalled import STALLED_AFTER_S, STALLED_RETRIES, recover_stalled_jobs

log = logging.getLogger(__name__)


class TaskFailed(LedgerStoreError):
    """A job failed for good; its reason is recorded on the ledger file (never retried)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskSettings:
    """How the worker's tasks behave; the defaults suit production."""

    retry: TransientRetry = field(default_factory=TransientRetry)
    sweep_cron: str = "*/10 * * * *"
    sweep_limit: int = 1000
    stalled_after_s: float = STALLED_AFTER_S
    #: Runs again of a job whose worker died, before it is failed (`workers.stalled`).
    stalled_retries: int = STALLED_RETRIES

    def __post_init__(self) -> None:
        if self.stalled_retries < 0:
            raise ValueError("TaskSettings.stalled_retries must not be negative")


@contextmanager
def _timed(metrics: WorkerMetrics, task: str, extra: dict[str, Any]) -> Iterator[None]:
    started = time.perf_counter()
    outcome = "failed"
    log.info("%s started", task, extra=extra)
    try:
        yield
        outcome = "succeeded"
    finally:
        elapsed = time.perf_counter() - started
        metrics.task_duration.observe(elapsed, task=task, outcome=outcome)
        log.info("%s %s in %.3fs", task, outcome, elapsed, extra={**extra, "seconds": round(elapsed, 3)})


def _fail_permanently(
    store: LedgerStore, metrics: WorkerMetrics, ledger_file_id: int, exc: Exception
) -> TaskFailed:
    """Re-raise a transient error (procrastinate retries it); record any other on the ledger."""
    if is_transient(exc):
        raise exc
    if isinstance(exc, ArtifactConflictError):
        metrics.checksum_failures.inc()
    reason = record_failure(store.engine, ledger_file_id, exc)
    return TaskFailed(f"ledger file {ledger_file_id}: {reason}")


def build_worker_app(
    app: App, store: LedgerStore, metrics: WorkerMetrics, settings: TaskSettings | None = None
) -> App:
    """Register the tasks on `app` (a fresh App on the store's database) and return it."""
    settings = settings or TaskSettings()

    @app.task(name=PROCESS_LEDGER, queue=INGEST_QUEUE, retry=settings.retry, pass_context=True)
    def process_ledger(context: JobContext, ledger_file_id: int) -> str:
        extra = {"ledger_file_id": ledger_file_id, "task": PROCESS_LEDGER, "job_id": context.job.id}
        with _timed(metrics, PROCESS_LEDGER, extra):
            try:
                ledger = store.process(ledger_file_id)
            except Exception as exc:
                raise _fail_permanently(store, metrics, ledger_file_id, exc) from exc
            if ledger.status == "failed":
                raise TaskFailed(f"ledger file {ledger_file_id} cannot be normalized: {ledger.error}")
            if ledger.status == "rejected":  # for good: its issues say why, `reprocess` corrects it
                raise TaskFailed(
                    f"ledger file {ledger_file_id} rejected: see `ledgerstore issues {ledger_file_id}`"
                )
            return ledger.status

    register_reprocess(app, store, metrics, settings)

    @app.task(name=FREEZE_ARTIFACT, queue=BACKFILL_QUEUE, retry=settings.retry, pass_context=True)
    def freeze_artifact(context: JobContext, ledger_file_id: int) -> str:
        extra = {"ledger_file_id": ledger_file_id, "task": FREEZE_ARTIFACT, "job_id": context.job.id}
        with _timed(metrics, FREEZE_ARTIFACT, extra):
            outcome = freeze_one(store, store.ledger(ledger_file_id))
            if outcome.source is not None and outcome.outcome == "created":
                metrics.records_served.inc(tier=outcome.source)
                if outcome.source == "reprocessed":
                    metrics.reprocess.inc()
            if outcome.outcome == "error":
                if outcome.error_type == ArtifactConflictError.__name__:
                    metrics.checksum_failures.inc()
                raise TaskFailed(f"ledger file {ledger_file_id}: {outcome.error}")
            return outcome.outcome

    @app.periodic(cron=settings.sweep_cron, periodic_id="backfill")
    @app.task(name=BACKFILL_SWEEP, queue=MAINTENANCE_QUEUE, queueing_lock=BACKFILL_SWEEP)
    def backfill_sweep(timestamp: int) -> int:
        with _timed(metrics, BACKFILL_SWEEP, {"task": BACKFILL_SWEEP}):
            with store.engine.connect() as connection:
                plan = plan_backfill(connection, BackfillScope(limit=settings.sweep_limit))
            queued, _ = enqueue_backfill(store.engine, app, plan)
            return queued

    @app.periodic(cron="* * * * *", periodic_id="stalled")
    @app.task(name=RECOVER_STALLED, queue=MAINTENANCE_QUEUE, queueing_lock=RECOVER_STALLED)
    async def recover_stalled(timestamp: int) -> int:
        recovered = await recover_stalled_jobs(
            app,
            stalled_after_s=settings.stalled_after_s,
            stalled_retries=settings.stalled_retries,
            engine=store.engine,
        )
        return len(recovered)

    return app


def register_reprocess(app: App, store: LedgerStore, metrics: WorkerMetrics, settings: TaskSettings) -> None:
    """The `reprocess_ledger` task: correct a failed or rejected upload with `changes`, in place.

    A rejected or failed outcome fails the job for good (the reason is on the ledger file); a
    ledger file that cannot be reprocessed in its status fails it too, without retries.
    """

    @app.task(name=REPROCESS_LEDGER, queue=INGEST_QUEUE, retry=settings.retry, pass_context=True)
    def reprocess_ledger_task(context: JobContext, ledger_file_id: int, changes: dict[str, Any]) -> str:
        extra = {"ledger_file_id": ledger_file_id, "task": REPROCESS_LEDGER, "job_id": context.job.id}
        with _timed(metrics, REPROCESS_LEDGER, extra):
            try:
                ledger = reprocess_ledger(
                    store.engine,
                    store.objects,
                    ledger_file_id,
                    NormalizeOptions.from_json(changes),
                    codecs=store.codecs,
                    own_partition_rows=store.own_partition_rows,
                )
            except NotCorrectableError as exc:
                raise TaskFailed(exc.message) from exc
            except Exception as exc:
                raise _fail_permanently(store, metrics, ledger_file_id, exc) from exc
            if ledger.status == "failed":
                raise TaskFailed(f"ledger file {ledger_file_id} cannot be normalized: {ledger.error}")
            if ledger.status == "rejected":
                raise TaskFailed(
                    f"ledger file {ledger_file_id} rejected: see `ledgerstore issues {ledger_file_id}`"
                )
            return ledger.status

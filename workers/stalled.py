"""Recovering the jobs of a dead worker, and ending the jobs that keep killing their worker.

Every worker writes a heartbeat (`procrastinate_workers.last_heartbeat`, every
`heartbeat_interval_s`). A worker killed mid-job leaves its job in `doing` with a heartbeat
that stops; procrastinate does not requeue such jobs by itself. `recover_stalled_jobs` puts
every `doing` job whose worker has been silent for `stalled_after_s` (or was pruned) back to
`todo`. Every worker runs it at start-up, each minute (the periodic task
`ledgerstore.recover_stalled`) and, in burst mode, while it waits for the queues to empty.
Requeueing is safe because every task is idempotent.

A poison job (a file whose processing aborts the process: a reader that allocates petabytes,
a native crash) would take down every worker that picks it up, forever. So a stalled job is
requeued only while its attempt count (procrastinate's `attempts`: every earlier run that ended,
by a retry or by a dead worker) is below `stalled_retries`; after that it is marked `failed`
and its ledger file too, with the reason, and the rest of the queue goes on.
"""

from __future__ import annotations

import asyncio
import logging

from procrastinate import App
from procrastinate.jobs import Job, Status
from sqlalchemy.engine import Engine

from ledgerstore.errors import LedgerStoreError
from ledgerstore.lifecycle.failure import record_failure

log = logging.getLogger(__name__)

#: A worker silent this long is dead (three missed heartbeats at the default interval).
STALLED_AFTER_S = 30.0

#: How many times a job whose worker died is run again before it is failed for good.
STALLED_RETRIES = 2


class WorkerDiedError(LedgerStoreError):
    """The worker running a job died (killed, out of memory, a crashing reader) too many times."""


async def recover_stalled_jobs(
    app: App,
    *,
    stalled_after_s: float = STALLED_AFTER_S,
    stalled_retries: int = STALLED_RETRIES,
    engine: Engine | None = None,
) -> list[int]:
    """Requeue the running jobs of workers silent for `stalled_after_s`, or fail those that
    already used their `stalled_retries` (recording why on their ledger file when `engine` is
    given); the ids of the jobs requeued or failed."""
    manager = app.job_manager
    await manager.prune_stalled_workers(stalled_after_s)
    stalled = list(await manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after_s))
    for job in stalled:
        extra = {"job_id": job.id, "task": job.task_name, "attempts": job.attempts, **job.task_kwargs}
        if job.attempts < stalled_retries:
            await manager.retry_job(job)
            log.warning("requeued job %s (%s) of a dead worker", job.id, job.task_name, extra=extra)
            continue
        await manager.finish_job(job, status=Status.FAILED, delete_job=False)
        reason = await _record_poison(job, engine)
        log.error("job %s (%s) failed: %s", job.id, job.task_name, reason, extra=extra)
    return [int(job.id) for job in stalled if job.id is not None]


async def _record_poison(job: Job, engine: Engine | None) -> str:
    runs = job.attempts + 1
    error = WorkerDiedError(
        f"the worker running it died {runs} time{'s' if runs > 1 else ''} (killed, out of memory"
        " or a crashing reader); it was not retried again"
    )
    ledger_file_id = job.task_kwargs.get("ledger_file_id")
    if engine is None or not isinstance(ledger_file_id, int):
        return error.message
    try:
        return await asyncio.to_thread(record_failure, engine, ledger_file_id, error)
    except LedgerStoreError as exc:  # the job is failed either way; the ledger row may be gone
        log.warning("could not record the failure on ledger file %s: %s", ledger_file_id, exc)
        return error.message

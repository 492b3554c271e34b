"""Recovering the jobs of a dead worker.

Every worker writes a heartbeat (`procrastinate_workers.last_heartbeat`, every
`heartbeat_interval_s`). A worker killed mid-job leaves its job in `doing` with a heartbeat
that stops; procrastinate does not requeue such jobs by itself. `recover_stalled_jobs` puts
every `doing` job whose worker has been silent for `stalled_after_s` (or was pruned) back to
`todo`. Every worker runs it at start-up and then each minute (the periodic task
`ledgerstore.recover_stalled`). Requeueing is safe because every task is idempotent.
"""

from __future__ import annotations

import logging

from procrastinate import App

log = logging.getLogger(__name__)

#: A worker silent this long is dead (three missed heartbeats at the default interval).
STALLED_AFTER_S = 30.0


async def recover_stalled_jobs(app: App, *, stalled_after_s: float = STALLED_AFTER_S) -> list[int]:
    """Requeue the running jobs of workers silent for `stalled_after_s`; their ids."""
    manager = app.job_manager
    await manager.prune_stalled_workers(stalled_after_s)
    stalled = list(await manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after_s))
    for job in stalled:
        await manager.retry_job(job)
        log.warning(
            "requeued job %s (%s) of a dead worker",
            job.id,
            job.task_name,
            extra={"job_id": job.id, "task": job.task_name, **job.task_kwargs},
        )
    return [int(job.id) for job in stalled if job.id is not None]

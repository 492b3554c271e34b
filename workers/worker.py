"""Running a worker: the procrastinate worker loop over our tasks, plus its metrics endpoint."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from procrastinate import App

from ledgerstore.db.queue_jobs import BUSY_JOBS
from ledgerstore.store import LedgerStore
from workers.app import queue_app
from workers.metrics import WorkerMetrics, serve_metrics
from workers.stalled import recover_stalled_jobs
from workers.tasks import TaskSettings, build_worker_app

log = logging.getLogger(__name__)

#: How often a burst worker checks whether its queues are empty.
BURST_POLL_S = 0.5


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkerSettings:
    """How one worker process runs.

    `concurrency` jobs run at once, each on its own thread (normalizing is CPU-bound: for more
    throughput on one machine run several worker processes). `burst` stops the worker once its
    queues hold no job waiting or running, instead of waiting for more jobs.
    """

    concurrency: int = 1
    queues: tuple[str, ...] | None = None
    burst: bool = False
    metrics_port: int | None = None
    heartbeat_interval_s: float = 10.0
    tasks: TaskSettings = field(default_factory=TaskSettings)

    @property
    def name(self) -> str:
        return f"{socket.gethostname()}:{os.getpid()}"


def run_worker(store: LedgerStore, settings: WorkerSettings, metrics: WorkerMetrics | None = None) -> None:
    """Work jobs until stopped (SIGINT/SIGTERM: finish running jobs, then exit) or, in burst mode, idle."""
    metrics = metrics or WorkerMetrics()
    store.observe(metrics)
    server = serve_metrics(metrics, settings.metrics_port) if settings.metrics_port is not None else None
    # Each running job holds a pool connection for procrastinate's bookkeeping; the tasks use
    # the store's own engine.
    app = queue_app(store.engine.url, min_size=1, max_size=settings.concurrency + 3)
    build_worker_app(app, store, metrics, settings.tasks)
    try:
        asyncio.run(_work(app, store, settings))
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()


async def _work(app: App, store: LedgerStore, settings: WorkerSettings) -> None:
    async with app.open_async():
        recovered = await _recover(app, store, settings)
        if recovered:
            log.warning("recovered %d jobs of dead workers at start-up", len(recovered))
        log.info(
            "worker %s started (concurrency %d)",
            settings.name,
            settings.concurrency,
            extra={"worker": settings.name, "concurrency": settings.concurrency},
        )
        options: dict[str, Any] = {"queues": list(settings.queues)} if settings.queues else {}
        run = asyncio.create_task(
            app.run_worker_async(
                name=settings.name,
                concurrency=settings.concurrency,
                update_heartbeat_interval=settings.heartbeat_interval_s,
                stalled_worker_timeout=settings.tasks.stalled_after_s,
                **options,
            )
        )
        if settings.burst:
            await _stop_when_idle(app, run, lambda: _recover(app, store, settings), settings.queues)
        with contextlib.suppress(asyncio.CancelledError):
            await run


async def _recover(app: App, store: LedgerStore, settings: WorkerSettings) -> list[int]:
    return await recover_stalled_jobs(
        app,
        stalled_after_s=settings.tasks.stalled_after_s,
        stalled_retries=settings.tasks.stalled_retries,
        engine=store.engine,
    )


# procrastinate's own `wait=False` stops at the first fetch that finds nothing, which with
# locks can happen while jobs still wait for a lock held by another worker's running job.
async def _stop_when_idle(
    app: App,
    run: asyncio.Task[None],
    recover: Callable[[], Awaitable[list[int]]],
    queues: tuple[str, ...] | None,
) -> None:
    """Stop the worker (gracefully) once its queues hold no job waiting or running.

    A job left `doing` by a dead worker would keep the queues busy forever: each poll
    recovers such jobs first (requeued, or failed once they used their retries).
    """
    while not run.done():
        await asyncio.wait({run}, timeout=BURST_POLL_S)
        if run.done():
            return
        await recover()
        row = await app.connector.execute_query_one_async(
            query=BUSY_JOBS, queues=list(queues) if queues else None
        )
        if row["busy"] == 0:
            log.info("the queues are empty: stopping (burst mode)")
            run.cancel()

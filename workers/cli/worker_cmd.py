"""`ledgerstore worker [--concurrency N] [--metrics-port P]`: run a task-queue worker."""

from __future__ import annotations

import argparse
from typing import Any

from ledgerstore.store import LedgerStore
from workers.cli import arguments as arg
from workers.cli.context import settings_from_env
from workers.cli.logs import configure_logging
from workers.cli.output import ExitCode
from workers.names import QUEUES
from workers.stalled import STALLED_RETRIES
from workers.tasks import TaskSettings
from workers.worker import WorkerSettings, run_worker


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "worker", help="run a worker: process uploads and backfill artifacts from the task queue"
    )
    parser.add_argument(
        "--concurrency", type=arg.positive, default=1, help="jobs run at once (threads; default 1)"
    )
    parser.add_argument("--metrics-port", type=arg.port, help="serve Prometheus metrics on this port")
    parser.add_argument(
        "--queue", action="append", choices=QUEUES, dest="queues", help="work only these queues (repeatable)"
    )
    parser.add_argument("--burst", action="store_true", help="exit once the queues are empty")
    parser.add_argument(
        "--stalled-after",
        type=arg.seconds,
        default=30.0,
        metavar="SECONDS",
        help="requeue running jobs of workers silent this long (default 30)",
    )
    parser.add_argument(
        "--stalled-retries",
        type=arg.count,
        default=STALLED_RETRIES,
        metavar="N",
        help=f"run a job whose worker died at most N more times, then fail it (default {STALLED_RETRIES})",
    )
    parser.add_argument(
        "--heartbeat",
        type=arg.seconds,
        default=10.0,
        metavar="SECONDS",
        help="heartbeat interval (default 10)",
    )
    parser.set_defaults(handler=_worker)


def _worker(args: argparse.Namespace) -> int:
    configure_logging(verbose=True)
    settings = WorkerSettings(
        concurrency=args.concurrency,
        queues=tuple(args.queues) if args.queues else None,
        burst=args.burst,
        metrics_port=args.metrics_port,
        heartbeat_interval_s=args.heartbeat,
        tasks=TaskSettings(stalled_after_s=args.stalled_after, stalled_retries=args.stalled_retries),
    )
    with LedgerStore.open(settings_from_env().for_batch()) as store:  # long statements, lock waits
        run_worker(store, settings)
    return ExitCode.OK

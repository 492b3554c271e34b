"""`ledgerstore backfill`: give every ledger file without an artifact one (resumable, idempotent)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import signal
import sys
import time
from typing import Any

from ledgerstore.ops.backfill import (
    BackfillPlan,
    BackfillReport,
    BackfillScope,
    default_profile,
    plan_backfill,
    run_backfill,
)
from ledgerstore.store import LedgerStore
from workers.cli import arguments as arg
from workers.cli.context import settings_from_env
from workers.cli.logs import configure_logging
from workers.cli.output import ExitCode
from workers.cli.progress import ProgressBar


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "backfill", help="create the missing artifacts (from hot rows, else by reprocessing raw files)"
    )
    parser.add_argument("--dry-run", action="store_true", help="list what would be created; write nothing")
    parser.add_argument("--account", type=arg.account)
    parser.add_argument("--fiscal-year", type=arg.fiscal_year)
    parser.add_argument("--since", type=_date, metavar="DATE", help="only files uploaded on or after DATE")
    parser.add_argument("--limit", type=arg.positive, help="at most this many files")
    parser.add_argument(
        "--profile", help="profile (name or TOML/JSON file) for legacy files registered without one"
    )
    how = parser.add_mutually_exclusive_group()
    how.add_argument(
        "--jobs", type=arg.positive, default=1, help="processes freezing in parallel (default 1)"
    )
    how.add_argument("--enqueue", action="store_true", help="queue one job per file for the workers")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.set_defaults(handler=_backfill)


def _date(text: str) -> dt.datetime:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _backfill(args: argparse.Namespace) -> int:
    configure_logging(verbose=args.verbose)
    scope = BackfillScope(
        account=args.account, fiscal_year=args.fiscal_year, since=args.since, limit=args.limit
    )
    with LedgerStore.open(settings_from_env().for_batch()) as store:  # long statements, lock waits
        with store.engine.connect() as connection:
            plan = plan_backfill(connection, scope)
        if args.dry_run:
            return _dry_run(plan, as_json=args.json)
        if args.profile is not None:
            plan = default_profile(store, plan, args.profile)
        if args.enqueue:
            return _enqueue(store, plan, as_json=args.json)
        return _run(store, plan, jobs=args.jobs, as_json=args.json)


def _dry_run(plan: BackfillPlan, *, as_json: bool) -> int:
    rows = [
        {
            "ledger_file_id": ledger.id,
            "account": ledger.account,
            "fiscal_year": ledger.fiscal_year,
            "status": ledger.status,
            "from": "hot rows" if ledger.status == "active" else "raw file",
            "name": ledger.original_name,
        }
        for ledger in plan.candidates
    ]
    if as_json:
        print(json.dumps({"dry_run": True, "would_create": rows, "skipped": plan.already_frozen}, indent=2))
        return ExitCode.OK
    for row in rows:
        print(
            f"would create the artifact of ledger file {row['ledger_file_id']}"
            f" ({row['account']} {row['fiscal_year']}, {row['status']}, from {row['from']}): {row['name']}"
        )
    print(f"Would create: {len(rows)}  Skipped (already had one): {plan.already_frozen}")
    return ExitCode.OK


def _enqueue(store: LedgerStore, plan: BackfillPlan, *, as_json: bool) -> int:
    from workers.app import enqueue_backfill as enqueue_plan  # procrastinate: only for --queue
    from workers.app import queue_app

    queued, waiting = enqueue_plan(store.engine, queue_app(store.engine.url), plan)
    if as_json:
        summary = {"queued": queued, "already_queued": waiting, "skipped": plan.already_frozen}
        print(json.dumps(summary, indent=2))
    else:
        skipped = plan.already_frozen
        print(f"Queued: {queued}  Already queued: {waiting}  Skipped (already had one): {skipped}")
    return ExitCode.OK


def _stop_on_sigterm(signum: int, frame: object) -> None:
    # Like Ctrl-C: the pool is shut down and its children terminated on the way out; what was
    # frozen stays frozen and a rerun picks up the rest (exit 130, "interrupted").
    raise KeyboardInterrupt


def _run(store: LedgerStore, plan: BackfillPlan, *, jobs: int, as_json: bool) -> int:
    bar = ProgressBar(len(plan.candidates), label="backfill ")
    started = time.perf_counter()
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        report = run_backfill(store, plan, jobs=jobs, on_outcome=lambda _: bar.advance())
    finally:
        bar.close()
    elapsed = time.perf_counter() - started
    if as_json:
        print(json.dumps({**report.as_dict(), "seconds": round(elapsed, 3)}, indent=2))
    else:
        _print_report(report, plan, elapsed)
    return ExitCode.FAILURE if report.errors else ExitCode.OK


def _print_report(report: BackfillReport, plan: BackfillPlan, elapsed: float) -> None:
    rate = report.created / elapsed if elapsed > 0 else 0.0
    print(
        f"Created: {report.created}  Skipped (already had one): {report.skipped}"
        f"  Errors: {len(report.errors)}"
        f"  ({report.records} records in {elapsed:.1f}s, {rate:.1f} files/s)"
    )
    if not report.errors:
        return
    names = {ledger.id: ledger for ledger in plan.candidates}
    print("Errors:", file=sys.stdout)
    for error in sorted(report.errors, key=lambda e: e.ledger_file_id):
        ledger = names.get(error.ledger_file_id)
        where = f" ({ledger.account} {ledger.fiscal_year} {ledger.original_name})" if ledger else ""
        print(f"  ledger file {error.ledger_file_id}{where}: {error.error}")

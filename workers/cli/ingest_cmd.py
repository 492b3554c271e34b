"""`ledgerstore ingest FILE --account A --fiscal-year Y`: upload and process a ledger file."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ledgerstore.lifecycle.upload import Upload
from workers.cli import arguments as arg
from workers.cli.context import store_from_env
from workers.cli.issue_output import issues_json, outcome_code, show_summary
from workers.cli.output import ExitCode, require_file
from workers.cli.progress import ProgressBar


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser("ingest", help="upload and process a ledger file")
    parser.add_argument("file", type=arg.input_file, help="the ledger export (CSV, Excel, fixed-width text)")
    parser.add_argument(
        "--account", type=arg.account, required=True, help="the account (or entity) the ledger belongs to"
    )
    parser.add_argument(
        "--fiscal-year", type=arg.fiscal_year, required=True, help="the fiscal year it covers"
    )
    parser.add_argument("--name", help="file name to record (default: the file's own name)")
    arg.add_normalize_options(parser, accept_issues=True)
    parser.add_argument("--json", action="store_true", help="print the ledger file and its issues as JSON")
    parser.add_argument(
        "--queue", action="store_true", help="queue processing for a worker instead of processing now"
    )
    parser.set_defaults(handler=_ingest)


def _upload_options(args: argparse.Namespace) -> dict[str, Any]:
    """What `ingest` and `ingest --queue` both pass on about the upload."""
    return {
        "account": args.account,
        "fiscal_year": args.fiscal_year,
        "name": args.name,
        **arg.normalize_options(args),
    }


#: Files from this size on show a progress bar on a terminal (smaller ones are done at once).
LARGE_FILE = 1 << 20
#: Stages `on_stage` reports: normalized, frozen, switched.
_STAGES = 3


@contextmanager
def stage_bar(name: str, size: int) -> Iterator[Callable[[str], None]]:
    """A bar over the stages of processing a large file (drawn only when stderr is a terminal)."""
    bar = ProgressBar(_STAGES if size >= LARGE_FILE else 0, label=f"{name} ")
    try:
        yield lambda _stage: bar.advance()
    finally:
        bar.close()


def _ingest(args: argparse.Namespace) -> int:
    require_file(args.file)
    if args.queue:
        return _enqueue(args)
    size = Path(args.file).stat().st_size
    with store_from_env() as store, stage_bar(Path(args.file).name, size) as on_stage:
        result = store.ingest(args.file, **_upload_options(args), on_stage=on_stage)
    verb = "ingested" if result.created else "already uploaded as"
    return report_outcome(result, verb, as_json=args.json)


def report_outcome(result: Upload, verb: str, *, as_json: bool) -> int:
    """What `ingest` and `reprocess` print: the ledger (stdout), its issues (stderr), the code."""
    ledger = result.ledger
    if as_json:
        out = {**ledger.as_dict(), "created": result.created, "issues": issues_json(ledger, result.issues)}
        print(json.dumps(out, indent=2))
    elif ledger.status in ("active", "superseded"):  # failed or rejected: the error line says it
        print(
            f"{verb} ledger file {ledger.id}: {ledger.account} {ledger.fiscal_year} #{ledger.sequence}"
            f" {ledger.status}, {ledger.record_count if ledger.record_count is not None else 0} records"
        )
    show_summary(ledger, result.issues)
    return outcome_code(ledger, result.issues)


def _enqueue(args: argparse.Namespace) -> int:
    """Upload, and queue `process_ledger` in the same transaction as the ledger-file row."""
    jobs: list[int] = []
    with store_from_env() as store:
        from workers.app import defer_processing, queue_app  # procrastinate: only for --queue

        app = queue_app(store.engine.url)
        result = store.upload(
            args.file,
            **_upload_options(args),
            on_created=lambda connection, ledger: jobs.append(defer_processing(app, connection, ledger)),
        )
    ledger = result.ledger
    if args.json:
        print(json.dumps({**ledger.as_dict(), "created": result.created, "job_id": next(iter(jobs), None)}))
    elif result.created:
        print(
            f"queued ledger file {ledger.id}: {ledger.account} {ledger.fiscal_year} #{ledger.sequence}"
            f" (job {jobs[0]})"
        )
    else:
        print(f"already uploaded as ledger file {ledger.id}: {ledger.status}")
    return ExitCode.OK

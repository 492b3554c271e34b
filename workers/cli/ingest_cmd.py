"""`ledgerstore ingest FILE --account A --fiscal-year Y`: upload and process a ledger file."""

from __future__ import annotations

import argparse
import json
from typing import Any

from workers.app import defer_processing, queue_app
from workers.cli import arguments as arg
from workers.cli.context import store_from_env
from workers.cli.output import ExitCode, fail, require_file


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
    parser.add_argument("--profile", help="a shipped profile's name or a profile file (TOML/JSON)")
    parser.add_argument("--encoding", help="text encoding, overriding detection")
    parser.add_argument("--sheet", help="workbook sheet by name")
    parser.add_argument("--json", action="store_true", help="print the ledger file as JSON")
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
        "profile": args.profile,
        "encoding": args.encoding,
        "sheet": args.sheet,
    }


def _ingest(args: argparse.Namespace) -> int:
    require_file(args.file)
    if args.queue:
        return _enqueue(args)
    with store_from_env() as store:
        result = store.ingest(args.file, **_upload_options(args))
    ledger = result.ledger
    if args.json:
        print(json.dumps({**ledger.as_dict(), "created": result.created}, indent=2))
    elif ledger.status == "failed":
        pass  # the one error line below says it all
    else:
        verb = "ingested" if result.created else "already uploaded as"
        print(
            f"{verb} ledger file {ledger.id}: {ledger.account} {ledger.fiscal_year} #{ledger.sequence}"
            f" {ledger.status}, {ledger.record_count if ledger.record_count is not None else 0} records"
        )
    if ledger.status == "failed":
        return fail(
            f"ledger file {ledger.id} ({ledger.original_name}) could not be normalized: {ledger.error}",
            ExitCode.INPUT,
        )
    return ExitCode.OK


def _enqueue(args: argparse.Namespace) -> int:
    """Upload, and queue `process_ledger` in the same transaction as the ledger-file row."""
    jobs: list[int] = []
    with store_from_env() as store:
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

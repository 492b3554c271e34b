"""`ledgerstore reprocess ID [--profile P] [--sheet S] [--encoding E] [--accept-issues]`.

Corrects a failed or rejected upload in place (same ledger file, same sequence) from its raw
bytes with new options, then switches it in as an upload would. With `--queue`, a worker does it.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from ledgerstore.lifecycle.reprocess import check_reprocess
from workers.cli import arguments as arg
from workers.cli.context import store_from_env
from workers.cli.ingest_cmd import report_outcome, stage_bar
from workers.cli.output import ExitCode


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "reprocess", help="correct a failed or rejected upload with new options, in place"
    )
    parser.add_argument("ledger_file_id", type=arg.ledger_id, help="the failed or rejected ledger file")
    arg.add_normalize_options(parser, accept_issues=True)
    parser.add_argument("--json", action="store_true", help="print the ledger file and its issues as JSON")
    parser.add_argument("--queue", action="store_true", help="queue the reprocess for a worker")
    parser.set_defaults(handler=_reprocess)


def _reprocess(args: argparse.Namespace) -> int:
    with store_from_env() as store:
        if args.queue:
            from workers.app import defer_reprocess, queue_app  # procrastinate: only for --queue

            ledger = store.ledger(args.ledger_file_id)
            changes = store.correction(ledger.id, **arg.normalize_options(args))
            check_reprocess(ledger, changes)  # refuse now, not in a worker later
            with store.engine.begin() as connection:
                job = defer_reprocess(queue_app(store.engine.url), connection, ledger, changes.to_json())
            if args.json:
                print(json.dumps({"ledger_file_id": ledger.id, "job_id": job}))
            else:
                print(f"queued the reprocess of ledger file {ledger.id} (job {job})")
            return ExitCode.OK
        ledger = store.ledger(args.ledger_file_id)
        with stage_bar(ledger.original_name, ledger.raw_size) as on_stage:
            result = store.reprocess(ledger.id, **arg.normalize_options(args), on_stage=on_stage)
    return report_outcome(result, "reprocessed", as_json=args.json)

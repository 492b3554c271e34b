"""`ledgerstore verify [--deep] [--json]`: artifacts and hot rows against the database."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ledgerstore.ops.verify import verify_store
from workers.cli.context import store_from_env
from workers.cli.logs import configure_logging
from workers.cli.output import ExitCode
from workers.cli.progress import ProgressBar


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "verify", help="check every artifact and every active ledger's hot rows against the database"
    )
    parser.add_argument("--deep", action="store_true", help="also compare hot rows record by record")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(handler=_verify)


def _verify(args: argparse.Namespace) -> int:
    configure_logging(verbose=args.verbose)
    with store_from_env() as store:
        total = len(store.ledgers(missing_artifact=False))
        bar = ProgressBar(total, label="verify ")
        try:
            report = verify_store(store, deep=args.deep, on_checked=lambda _: bar.advance())
        finally:
            bar.close()
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print(
            f"Checked: {report.artifacts_checked} artifacts, {report.issues_checked} issue sidecars,"
            f" {report.hot_checked} active ledgers' hot rows"
            f"{' (deep)' if report.deep else ''}  Discrepancies: {len(report.discrepancies)}"
        )
        for found in report.discrepancies:
            print(f"  ledger file {found.ledger_file_id}: {found.kind}: {found.detail}")
            print(f"    what to do: {found.action}")
    return ExitCode.OK if report.ok else ExitCode.FAILURE

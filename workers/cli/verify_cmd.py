"""`ledgerstore verify [--deep] [--json]`: artifacts and hot rows against the database."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ledgerstore.ops.verify import VerifyReport, verify_store
from workers.cli.context import store_from_env
from workers.cli.logs import configure_logging
from workers.cli.output import ExitCode, one_line
from workers.cli.progress import ProgressBar


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "verify", help="check every artifact and every active ledger's hot rows against the database"
    )
    parser.add_argument("--deep", action="store_true", help="also compare hot rows record by record")
    parser.add_argument(
        "--clean-partials",
        action="store_true",
        help="remove temporary files that killed writers left in the object store over an hour ago",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(handler=_verify)


def _verify(args: argparse.Namespace) -> int:
    configure_logging(verbose=args.verbose)
    with store_from_env() as store:
        total = len(store.ledgers(missing_artifact=False))
        bar = ProgressBar(total, label="verify ")
        try:
            report = verify_store(
                store, deep=args.deep, on_checked=lambda _: bar.advance(), clean_partials=args.clean_partials
            )
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
        _print_partials(report)
        _print_unreferenced(report)
    return ExitCode.OK if report.ok else ExitCode.FAILURE


def _print_partials(report: VerifyReport) -> None:
    if not report.partial_files:
        return
    if report.partials_removed:
        print(f"Removed {len(report.partials_removed)} stale temporary files (left by killed writers):")
    else:
        print(
            f"Stale temporary files (left by killed writers over an hour ago): {len(report.partial_files)}"
            "; `ledgerstore verify --clean-partials` removes them"
        )
    for path in report.partials_removed or report.partial_files:
        print(f"  {one_line(path)}")


def _print_unreferenced(report: VerifyReport) -> None:
    if not report.unreferenced_raw:
        return
    print(
        f"Raw objects no ledger file refers to: {len(report.unreferenced_raw)} (an upload killed before"
        " its row was created, or one in progress; uploading the same file again adopts it)"
    )
    for key in report.unreferenced_raw[:20]:
        print(f"  {one_line(key)}")
    if len(report.unreferenced_raw) > 20:
        print(f"  … and {len(report.unreferenced_raw) - 20} more (`--json` lists them all)")

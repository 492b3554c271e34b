"""`ledgerstore ledgers`: list ledger files, filtered by account, fiscal year and status."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ledgerstore.db.schema import LEDGER_STATUSES
from ledgerstore.ledgers.model import LedgerFile
from workers.cli import arguments as arg
from workers.cli.context import store_from_env
from workers.cli.output import ExitCode
from workers.cli.tables import render_table


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser("ledgers", help="list ledger files")
    parser.add_argument("--account", type=arg.account)
    parser.add_argument("--fiscal-year", type=arg.fiscal_year)
    parser.add_argument("--status", choices=LEDGER_STATUSES)
    parser.add_argument("--json", action="store_true", help="print a JSON array of objects")
    parser.set_defaults(handler=_ledgers)


def _ledgers(args: argparse.Namespace) -> int:
    with store_from_env() as store:
        found = store.ledgers(account=args.account, fiscal_year=args.fiscal_year, status=args.status)
    if args.json:
        out = [
            {
                "id": ledger.id,
                "account": ledger.account,
                "fiscal_year": ledger.fiscal_year,
                "status": ledger.status,
                "sequence": ledger.sequence,
                "has_artifact": ledger.has_artifact,
                "name": ledger.original_name,
                "uploaded_at": ledger.uploaded_at.isoformat(),
                "record_count": ledger.record_count,
                "error": ledger.error,
                "issues": ledger.as_dict()["issues"],
            }
            for ledger in found
        ]
        print(json.dumps(out, indent=2))
        return ExitCode.OK
    rows = [
        (
            ledger.id,
            ledger.account,
            ledger.fiscal_year,
            ledger.sequence,
            ledger.status,
            "yes" if ledger.has_artifact else "no",
            "" if ledger.record_count is None else ledger.record_count,
            _issue_cell(ledger),
            ledger.uploaded_at.strftime("%Y-%m-%d %H:%M"),
            ledger.original_name,
        )
        for ledger in found
    ]
    headers = ("id", "account", "year", "seq", "status", "artifact", "records", "issues", "uploaded", "name")
    print(render_table(headers, rows))
    return ExitCode.OK


def _issue_cell(ledger: LedgerFile) -> str:
    """`1 error, 11 warnings`; `none`; empty when none were recorded (normalized before they were kept)."""
    counts = ledger.issue_counts
    if counts is None:
        return ""
    return "none" if counts.total == 0 else counts.describe()

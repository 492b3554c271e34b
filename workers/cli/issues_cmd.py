"""`ledgerstore issues ID [--json|--csv]`: the issues kept for a ledger file."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from workers.cli import arguments as arg
from workers.cli.context import store_from_env
from workers.cli.issue_output import issues_csv, issues_json, where
from workers.cli.output import ExitCode
from workers.cli.tables import render_table


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "issues", help="show a ledger file's issues (rows that did not become records, warnings, checks)"
    )
    parser.add_argument("ledger_file_id", type=arg.ledger_id, help="the ledger file")
    shape = parser.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help="print a JSON object: counts and issues")
    shape.add_argument("--csv", action="store_true", help="print CSV: severity,row,column,raw,message,code")
    parser.add_argument(
        "--raw", action="store_true", help="CSV: keep text exactly (no spreadsheet-formula neutralising)"
    )
    parser.set_defaults(handler=_issues)


def _issues(args: argparse.Namespace) -> int:
    with store_from_env() as store:
        ledger = store.ledger(args.ledger_file_id)
        issues = store.issues(ledger.id)
    if args.json:
        print(json.dumps({**issues_json(ledger, issues), "status": ledger.status}, indent=2))
        return ExitCode.OK
    if issues is None:
        print(
            f"ledger file {ledger.id} ({ledger.status}): no issues recorded"
            " (it has not been normalized since issues are kept)"
        )
        return ExitCode.OK
    if args.csv:
        sys.stdout.write(issues_csv(issues, raw=args.raw))
        return ExitCode.OK
    print(f"ledger file {ledger.id} ({ledger.original_name}, {ledger.status}): {issues.counts.describe()}")
    if issues.items:
        rows = [(i.severity, where(i), i.raw or "", i.message, i.code) for i in issues.items]
        print(render_table(("severity", "where", "raw", "message", "code"), rows))
    if issues.truncated:
        print(f"(the first {len(issues.items)} of {issues.counts.total} are kept in full; all are counted)")
    return ExitCode.OK

"""`ledgerstore drift [--sample N] [--account A] [--seed S] [--json]`: what a normalizer change alters."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ledgerstore.ops.drift import LedgerDrift, drift
from workers.cli import arguments as arg
from workers.cli.context import store_from_env
from workers.cli.logs import configure_logging
from workers.cli.output import ExitCode


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "drift", help="re-normalize a sample of raw files and compare them with their artifacts"
    )
    parser.add_argument(
        "--sample", type=arg.positive, default=20, help="ledger files to compare (default 20)"
    )
    parser.add_argument("--account", type=arg.account)
    parser.add_argument("--seed", type=int, help="a random sample with this seed (default: the lowest ids)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(handler=_drift)


def _drift(args: argparse.Namespace) -> int:
    configure_logging(verbose=args.verbose)
    with store_from_env() as store:
        report = drift(store, sample=args.sample, account=args.account, seed=args.seed)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print(
            f"Normalizer {report.normalizer_version}: {len(report.changed)} of {len(report.ledgers)}"
            " sampled ledger files would change"
        )
        for ledger in report.changed:
            print(_describe(ledger))
    return ExitCode.FAILURE if report.changed else ExitCode.OK


def _describe(ledger: LedgerDrift) -> str:
    head = f"  ledger file {ledger.ledger_file_id} ({ledger.account} {ledger.fiscal_year})"
    if ledger.error is not None:
        return f"{head}: {ledger.error}"
    assert ledger.frozen is not None and ledger.current is not None
    lines = [
        f"{head}: {ledger.differing_records} records differ;"
        f" count {ledger.frozen.count} -> {ledger.current.count},"
        f" debit {ledger.frozen.debit_total} -> {ledger.current.debit_total},"
        f" credit {ledger.frozen.credit_total} -> {ledger.current.credit_total}"
    ]
    for d in ledger.first_differences:
        lines.append(f"    record {d.index}: frozen  {d.frozen}")
        lines.append(f"    record {d.index}: current {d.current}")
    return "\n".join(lines)

"""`ledgerstore records ID`: a ledger file's records from whichever tier serves them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from workers.cli.context import store_from_env
from workers.cli.output import ExitCode
from workers.cli.record_output import write_records


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser("records", help="print a ledger file's records")
    parser.add_argument("ledger_file_id", type=int)
    parser.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    parser.add_argument("--out", type=Path, help="write to this file instead of stdout")
    parser.set_defaults(handler=_records)


def _records(args: argparse.Namespace) -> int:
    with store_from_env() as store, store.records(args.ledger_file_id) as records:
        print(f"tier: {records.tier}", file=sys.stderr)
        if args.out is not None:
            with args.out.open("wb") as out:
                write_records(records, args.format, out)
        else:
            write_records(records, args.format, sys.stdout.buffer)
            sys.stdout.flush()
    return ExitCode.OK

"""`ledgerstore records ID` (or `--account A --fiscal-year Y` for the active ledger): a ledger
file's records from whichever tier serves them; the tier is printed on stderr."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ledgerstore.errors import LedgerStoreError
from normalizer.record import Record
from workers.cli import arguments as arg
from workers.cli.context import store_from_env
from workers.cli.output import ExitCode, fail
from workers.cli.progress import ProgressBar
from workers.cli.record_output import write_records


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser("records", help="print a ledger file's records")
    parser.add_argument(
        "ledger_file_id", type=arg.ledger_id, nargs="?", help="the ledger file (default: the active one)"
    )
    parser.add_argument(
        "--account", type=arg.account, help="with --fiscal-year: the active ledger of this account"
    )
    parser.add_argument("--fiscal-year", type=arg.fiscal_year)
    parser.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    parser.add_argument("--out", type=arg.output_file, help="write to this file instead of stdout")
    parser.add_argument(
        "--raw", action="store_true", help="CSV: keep text exactly (no spreadsheet-formula neutralising)"
    )
    parser.set_defaults(handler=_records)


def _records(args: argparse.Namespace) -> int:
    by_pair = args.account is not None and args.fiscal_year is not None
    if (args.ledger_file_id is None) == (not by_pair):
        return fail("give a ledger file id, or --account and --fiscal-year (not both)", ExitCode.USAGE)
    with store_from_env() as store:
        ledger_file_id = args.ledger_file_id
        if ledger_file_id is None:
            active = store.active(args.account, args.fiscal_year)
            if active is None:
                return fail(f"{args.account} {args.fiscal_year} has no active ledger", ExitCode.NOT_FOUND)
            ledger_file_id = active.id
        with store.records(ledger_file_id) as records:
            print(f"tier: {records.tier}", file=sys.stderr)
            _write(records, args)
        if records.served_sha256 != records.records_sha256:
            raise LedgerStoreError(
                f"ledger file {ledger_file_id}: the records served do not match their checksum"
            )
    return ExitCode.OK


def _write(records: Any, args: argparse.Namespace) -> None:
    if args.out is not None:
        bar = ProgressBar(records.ledger.record_count or 0, label=f"{args.out.name} ")
        try:
            _write_file_verified(_advancing(records, bar), records, args.out, args.format, raw=args.raw)
        finally:
            bar.close()
        return
    write_records(records, args.format, sys.stdout.buffer, raw=args.raw)
    sys.stdout.flush()


#: Records between two progress updates (a bar per record would cost more than it shows).
_STEP = 1000


def _advancing(records: Iterable[Record], bar: ProgressBar) -> Iterator[Record]:
    """`records`, advancing `bar` as they pass (drawn only when stderr is a terminal)."""
    for count, record in enumerate(records, start=1):
        if count % _STEP == 0:
            bar.advance(_STEP)
        yield record
    if bar.done < bar.total:
        bar.advance(bar.total - bar.done)


def _write_file_verified(
    stream: Iterable[Record], records: Any, path: Path, output_format: str, *, raw: bool
) -> None:
    """Write to a temporary file beside `path`; rename it over `path` only once every record was
    served and matched its checksum (a tampered stream raises and leaves `path` untouched).

    A special file (`/dev/stdout`, a FIFO) cannot be renamed over: it is written directly.
    """
    if path.exists() and not path.is_file():
        with path.open("wb") as out:
            write_records(stream, output_format, out, raw=raw)
        return
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(fd, "wb") as out:
            write_records(stream, output_format, out, raw=raw)
        if records.served_sha256 != records.records_sha256:
            raise LedgerStoreError(
                f"ledger file {records.ledger_file_id}: the records served do not match their checksum"
            )
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise

"""`ledgerstore report NAME LEDGER_ID [LEDGER_ID2]` (or `--account A --fiscal-year Y` for the active
ledger): a report on ledger files, from any tier.

The report goes to stdout (binary for xlsx) or `--out`; `tier: hot|cold|reprocessed` goes to
stderr, one line per ledger file, because the output's bytes must not depend on it. Bad
parameters exit 2, an unusable mapping file 3, an unknown ledger file 4; a report that lists
problems (journal-check) exits 1 when it lists any. An xlsx report is never written to a terminal.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from reporting import (
    FORMATS,
    REPORTS,
    CostMapping,
    ReportParameterError,
    ReportParams,
    render,
    report_spec,
    run_report,
)
from reporting.renderers import render_to
from reporting.table import Table
from workers.cli import arguments as arg
from workers.cli.context import store_from_env
from workers.cli.output import ExitCode, fail


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "report",
        help="run a report (trial-balance, gl-detail, ...) on ledger files",
        description="Reports: "
        + "; ".join(f"{name}: {spec.summary}" for name, spec in REPORTS.items())
        + ". See docs/reports.md.",
    )
    parser.add_argument("name", choices=list(REPORTS), metavar="NAME", help=", ".join(REPORTS))
    parser.add_argument(
        "ledger_ids",
        type=arg.ledger_id,
        nargs="*",
        metavar="LEDGER_ID",
        help="ledger file id (compare: old new)",
    )
    parser.add_argument(
        "--account", type=arg.account, help="with --fiscal-year, instead of an id: the active ledger"
    )
    parser.add_argument("--fiscal-year", type=arg.fiscal_year)
    parser.add_argument("--from", dest="date_from", metavar="DATE", help="first posting date, YYYY-MM-DD")
    parser.add_argument("--to", dest="date_to", metavar="DATE", help="last posting date, YYYY-MM-DD")
    parser.add_argument("--accounts", help="account codes and prefixes, e.g. 4000,61*")
    parser.add_argument("--mapping", type=Path, metavar="FILE", help="cost mapping file (.toml or .csv)")
    parser.add_argument("--rate", help="indirect-cost rate, e.g. 0.15 or 15%%")
    parser.add_argument(
        "--fiscal-start-month", type=int, metavar="M", help="period-summary: first month of the fiscal year"
    )
    parser.add_argument("--format", choices=FORMATS, default="csv", help="output format (default csv)")
    parser.add_argument(
        "--out", type=arg.output_file, metavar="FILE", help="write to this file instead of stdout"
    )
    parser.set_defaults(handler=_report)


def _report(args: argparse.Namespace) -> int:
    if args.format == "xlsx" and args.out is None and sys.stdout.isatty():
        return fail("an xlsx report is binary: write it to a file with --out FILE.xlsx", ExitCode.USAGE)
    try:
        params = ReportParams(
            date_from=args.date_from,
            date_to=args.date_to,
            accounts=args.accounts,
            # Read the mapping before touching the store, so its errors come first.
            mapping=CostMapping.load(args.mapping) if args.mapping is not None else None,
            rate=args.rate,
            fiscal_start_month=args.fiscal_start_month,
        )
        by_pair = args.account is not None and args.fiscal_year is not None
        if bool(args.ledger_ids) == by_pair:
            return fail("give ledger file ids, or --account and --fiscal-year (not both)", ExitCode.USAGE)
        report_spec(args.name).check(1 if by_pair else len(args.ledger_ids), params)
        with store_from_env() as store:
            ledger_ids = args.ledger_ids
            if by_pair:
                active = store.active(args.account, args.fiscal_year)
                if active is None:
                    return fail(f"{args.account} {args.fiscal_year} has no active ledger", ExitCode.NOT_FOUND)
                ledger_ids = [active.id]
            table, tiers = run_report(store, args.name, ledger_ids, params)
    except ReportParameterError as exc:
        return fail(str(exc), ExitCode.USAGE)
    for tier in tiers:
        print(f"tier: {tier}", file=sys.stderr)
    if args.out is not None:
        _write_file(table, args.format, args.out)
    else:
        sys.stdout.buffer.write(render(table, args.format))
        sys.stdout.flush()
    if report_spec(args.name).lists_problems and table.rows:
        print(f"{args.name}: {len(table.rows)} found (listed in the report)", file=sys.stderr)
        return ExitCode.FAILURE
    return ExitCode.OK


def _write_file(table: Table, fmt: str, path: Path) -> None:
    """Stream the report into a temporary file beside `path`, renamed over it once complete.

    A special file (`/dev/stdout`, a FIFO) cannot be renamed over (nor seeked in, as XLSX
    needs): the report is rendered whole and written to it.
    """
    if path.exists() and not path.is_file():
        path.write_bytes(render(table, fmt))
        return
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(fd, "wb") as out:
            render_to(table, fmt, out)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # as a file the report had created itself (mkstemp: 0600)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise

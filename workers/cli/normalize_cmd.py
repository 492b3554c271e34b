"""`ledgerstore normalize FILE`: a ledger export to canonical records on stdout.

JSON Lines (one canonical record per line) or CSV; `--summary` adds a JSON summary on stderr;
`--explain` shows what was detected instead of the records; `--write-profile OUT.toml` writes
that detection as an editable profile.
Exit 0 when the file was normalized (row issues allowed), 3 when it cannot be, 4 when it does
not exist.
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

from normalizer import NormalizerError, NormalizeResult, normalize
from normalizer.roles.explain_text import explain_text
from normalizer.roles.profile_writer import profile_toml
from workers.cli import arguments as arg
from workers.cli.output import ExitCode, fail
from workers.cli.record_output import write_records


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "normalize", help="normalize a ledger file to canonical records on stdout"
    )
    parser.add_argument("file", type=arg.input_file, help="the ledger export (CSV, Excel, fixed-width text)")
    arg.add_normalize_options(parser, accept_issues=False)
    parser.add_argument(
        "--fiscal-year", type=arg.fiscal_year, help="report records outside this year; year of short dates"
    )
    parser.add_argument(
        "--format", choices=("jsonl", "csv"), default="jsonl", help="output format (default jsonl)"
    )
    parser.add_argument("--summary", action="store_true", help="write a JSON summary to stderr")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="instead of the records, show what was detected: header row, each column's role with "
        "its evidence and score, amount model, side flags, decimal mark, date order, encoding",
    )
    parser.add_argument(
        "--write-profile",
        type=arg.output_file,
        metavar="OUT.toml",
        help="write the detection as an editable profile (load it back with --profile)",
    )
    parser.add_argument(
        "--raw", action="store_true", help="CSV: keep text exactly (no spreadsheet-formula neutralising)"
    )
    parser.set_defaults(handler=_normalize)


def _normalize(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        code = ExitCode.INPUT if path.exists() else ExitCode.NOT_FOUND
        return fail(f"{path}: no such file", code)
    try:
        result = normalize(
            path, profile=args.profile, encoding=args.encoding, sheet=args.sheet, fiscal_year=args.fiscal_year
        )
    except NormalizerError as exc:
        message = str(exc)
        # Some reader errors already start with the file's name: say it once.
        return fail(
            message if message.startswith(f"{path.name}:") else f"{path.name}: {message}", ExitCode.INPUT
        )
    except OSError as exc:
        return fail(f"{path}: {exc.strerror or exc}", ExitCode.INPUT)
    if args.write_profile:
        try:
            Path(args.write_profile).write_text(profile_toml(result, source=path.name), encoding="utf-8")
        except OSError as exc:
            return fail(f"{args.write_profile}: {exc.strerror or exc}", ExitCode.INPUT)
    if args.explain:
        sys.stdout.write(explain_text(result, source=path.name))
    else:
        write_records(result.records, args.format, sys.stdout.buffer, raw=args.raw)
    sys.stdout.flush()
    if args.summary:
        sys.stderr.buffer.write(orjson.dumps(summary(result, path.name), default=str) + b"\n")
        sys.stderr.flush()
    return ExitCode.OK


def summary(result: NormalizeResult, name: str) -> dict[str, Any]:
    """Counts, debit/credit totals per currency (strings), detections, issues and checks."""
    totals: dict[str, list[Decimal]] = {}
    for record in result.records:
        pair = totals.setdefault(record.currency, [Decimal(0), Decimal(0)])
        pair[0] += record.debit
        pair[1] += record.credit
    severities: dict[str, int] = {}
    for issue in result.issues:
        severities[issue.severity] = severities.get(issue.severity, 0) + 1
    return {
        "file": name,
        "normalizer_version": result.normalizer_version,
        "records": len(result.records),
        "totals": {
            currency: {"debit": format(d, "f"), "credit": format(c, "f")}
            for currency, (d, c) in sorted(totals.items())
        },
        "issue_counts": dict(sorted(severities.items())),
        "detected": {key: value.as_dict() for key, value in result.detected.items()},
        "issues": [issue.as_dict() for issue in result.issues],
        "checks": [check.as_dict() for check in result.checks],
    }

"""`ledgerstore register MANIFEST`: bring legacy uploads under management without processing."""

from __future__ import annotations

import argparse
import json
from typing import Any

from workers.cli import arguments as arg
from workers.cli.context import store_from_env
from workers.cli.output import ExitCode, require_file


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "register", help="register legacy uploads from a manifest (CSV or JSON)"
    )
    parser.add_argument(
        "manifest",
        type=arg.input_file,
        help="CSV with header path,account,fiscal_year,name,uploaded_at (or JSON)",
    )
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=_register)


def _register(args: argparse.Namespace) -> int:
    require_file(args.manifest)
    with store_from_env() as store:
        summary = store.register(args.manifest)
    if args.json:
        print(json.dumps(summary.as_dict(), indent=2))
    else:
        print(
            f"Registered: {len(summary.registered)}  Already known: {len(summary.existing)}"
            f"  Errors: {len(summary.errors)}"
        )
        for line, message in summary.errors:
            print(f"  line {line}: {message}")
    return ExitCode.FAILURE if summary.errors else ExitCode.OK

"""`ledgerstore normalize`: placeholder until the normalizer pipeline lands (issue 3)."""

from __future__ import annotations

import argparse
from typing import Any

from workers.cli.output import ExitCode, fail


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser("normalize", help="normalize a ledger file")
    parser.add_argument("file")
    parser.set_defaults(handler=_normalize)


def _normalize(args: argparse.Namespace) -> int:
    return fail("the normalizer is not available yet", ExitCode.FAILURE)

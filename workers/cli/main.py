"""Builds the argument parser from the subcommand modules and runs the chosen one.

Each subcommand module exposes `register(subparsers)`, which adds its parser and sets
`handler=` to a function `(args) -> int` returning the exit code. Errors a user can act on are
printed as one line on stderr, never as a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from workers.cli.output import ExitCode, fail

#: Subcommand modules, in the order `--help` lists them.
COMMAND_MODULES: tuple[str, ...] = (
    "workers.cli.normalize_cmd",
    "workers.cli.db_cmd",
    "workers.cli.status_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ledgerstore",
        description="General ledgers hot in PostgreSQL, cold in object storage, served from any tier.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = int(args.handler(args))
    except KeyboardInterrupt:
        return fail("interrupted", ExitCode.INTERRUPTED)
    except BrokenPipeError:
        return ExitCode.OK
    return code


if __name__ == "__main__":
    sys.exit(main())

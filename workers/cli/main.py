"""Builds the argument parser from the subcommand modules and runs the chosen one.

Each subcommand module exposes `register(subparsers)`, which adds its parser and sets
`handler=` to a function `(args) -> int` returning the exit code. This module is the one
boundary where errors become one line on stderr and an exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from ledgerstore.errors import LedgerFileNotFoundError, LedgerStoreError, ObjectNotFoundError
from normalizer.errors import NormalizerError
from workers.cli.logs import configure_logging
from workers.cli.output import ExitCode, fail

#: Subcommand modules, in the order `--help` lists them.
COMMAND_MODULES: tuple[str, ...] = (
    "workers.cli.ingest_cmd",
    "workers.cli.ledgers_cmd",
    "workers.cli.records_cmd",
    "workers.cli.report_cmd",
    "workers.cli.register_cmd",
    "workers.cli.normalize_cmd",
    "workers.cli.backfill_cmd",
    "workers.cli.verify_cmd",
    "workers.cli.drift_cmd",
    "workers.cli.status_cmd",
    "workers.cli.worker_cmd",
    "workers.cli.db_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ledgerstore",
        description="General ledgers hot in PostgreSQL, cold in object storage, served from any tier.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


#: What the CLI turns into one line and an exit code; anything else is a bug and keeps its traceback.
_USER_ERRORS = (LedgerStoreError, NormalizerError, OSError, ValueError)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(verbose=args.verbose)
    try:
        return int(args.handler(args))
    except BrokenPipeError:
        return ExitCode.OK
    except KeyboardInterrupt:
        return fail("interrupted", ExitCode.INTERRUPTED)
    except _USER_ERRORS as exc:
        message, code = describe_error(exc)
        return fail(message, code)


def describe_error(exc: BaseException) -> tuple[str, ExitCode]:
    """The one-line message and exit code for an error a user can act on."""
    if isinstance(exc, LedgerFileNotFoundError | ObjectNotFoundError | FileNotFoundError):
        code = ExitCode.NOT_FOUND
    elif isinstance(exc, NormalizerError):
        code = ExitCode.INPUT
    elif isinstance(exc, LedgerStoreError):
        code = ExitCode.UNAVAILABLE if exc.transient else ExitCode.FAILURE
    else:
        code = ExitCode.INPUT
    if isinstance(exc, OSError) and exc.filename is not None:
        return f"{exc.filename}: {exc.strerror or exc}", code
    return (exc.message if isinstance(exc, LedgerStoreError) else str(exc)), code


if __name__ == "__main__":
    sys.exit(main())

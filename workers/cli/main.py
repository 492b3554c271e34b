"""Builds the argument parser from the subcommand modules and runs the chosen one.

Each subcommand module exposes `register(subparsers)`, which adds its parser and sets
`handler=` to a function `(args) -> int` returning the exit code. This module is the one
boundary where errors become one line on stderr and an exit code, never a traceback: errors a
user can act on get their own code; anything else is a bug, reported in one line with exit 70
(the traceback is logged with `-v`).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

import sqlalchemy.exc

from ledgerstore.errors import (
    ConfigurationError,
    LedgerFileNotFoundError,
    LedgerStoreError,
    LedgerUnavailableError,
    ObjectNotFoundError,
    UploadRejectedError,
)
from ledgerstore.ledgers.arguments import InvalidArgumentError
from normalizer.errors import NormalizerError
from reporting.errors import ReportError
from workers.cli.arguments import OneLineParser
from workers.cli.logs import configure_logging
from workers.cli.output import ExitCode, fail

_log = logging.getLogger("workers.cli")

#: Subcommand modules, in the order `--help` lists them.
COMMAND_MODULES: tuple[str, ...] = (
    "workers.cli.ingest_cmd",
    "workers.cli.ledgers_cmd",
    "workers.cli.records_cmd",
    "workers.cli.issues_cmd",
    "workers.cli.reprocess_cmd",
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


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole parser; with `command` (a subcommand's name), only that subcommand's part.

    Each subcommand module imports what its handler needs, so a run imports only its own
    command's module: `ledgerstore report` never loads the task queue or the worker.
    """
    parser = OneLineParser(
        prog="ledgerstore",
        description="General ledgers hot in PostgreSQL, cold in object storage, served from any tier.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    chosen = _COMMANDS.get(command or "")
    for module_name in COMMAND_MODULES if chosen is None else (chosen,):
        importlib.import_module(module_name).register(subparsers)
    return parser


#: Each subcommand's module, by the subcommand's name (`workers.cli.report_cmd` is `report`).
_COMMANDS = {name.rpartition(".")[2].removesuffix("_cmd"): name for name in COMMAND_MODULES}


def _command_of(argv: Sequence[str]) -> str | None:
    """The subcommand named by `argv` (the first argument after the global `-v`), if any."""
    for item in argv:
        if item not in ("-v", "--verbose"):
            return item if item in _COMMANDS else None
    return None


#: Errors a user can act on; each becomes one line and its own exit code.
_USER_ERRORS = (LedgerStoreError, NormalizerError, ReportError, OSError, sqlalchemy.exc.SQLAlchemyError)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser(_command_of(sys.argv[1:] if argv is None else argv))
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
    except Exception as exc:  # the last resort: a bug must not print a traceback at a user
        _log.info("internal error in `ledgerstore %s`", args.command, exc_info=True)  # shown with -v
        return fail(
            f"internal error ({type(exc).__name__}: {exc}); please report it with the output of"
            f" `ledgerstore -v {args.command} …`",
            ExitCode.INTERNAL,
        )


def describe_error(exc: BaseException) -> tuple[str, ExitCode]:
    """The one-line message and exit code for an error a user can act on."""
    if isinstance(exc, sqlalchemy.exc.SQLAlchemyError):
        return _database_error(exc)
    if isinstance(exc, LedgerFileNotFoundError | ObjectNotFoundError | FileNotFoundError):
        code = ExitCode.NOT_FOUND
    elif isinstance(exc, NormalizerError | UploadRejectedError):
        code = ExitCode.INPUT
    elif isinstance(exc, ConfigurationError | InvalidArgumentError):
        code = ExitCode.USAGE
    elif isinstance(exc, LedgerUnavailableError) and isinstance(exc.__cause__, NormalizerError):
        code = ExitCode.INPUT  # the same cause as a failed ingest, the same code
    elif isinstance(exc, LedgerStoreError):
        code = ExitCode.UNAVAILABLE if exc.transient else ExitCode.FAILURE
    else:
        code = ExitCode.INPUT
    if isinstance(exc, OSError) and exc.filename is not None:
        return f"{exc.filename}: {exc.strerror or exc}", code
    return (exc.message if isinstance(exc, LedgerStoreError) else str(exc)), code


def _database_error(exc: sqlalchemy.exc.SQLAlchemyError) -> tuple[str, ExitCode]:
    """A driver error that reached the edge: its first line only (never the SQL or parameters)."""
    orig = getattr(exc, "orig", None) or exc
    first = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
    if isinstance(exc, sqlalchemy.exc.OperationalError | sqlalchemy.exc.InterfaceError):
        return f"the database is unavailable: {first}", ExitCode.UNAVAILABLE
    return f"database error: {first}", ExitCode.FAILURE


def run() -> NoReturn:
    """The console script: `main()`, then exit without the interpreter's teardown.

    By then every file is closed, every transaction has ended and every thread has finished;
    what is left is freeing each module and Arrow's memory pools, ~0.25 s after a 1M-row ingest,
    on every command. Output and log handlers are flushed first; nothing of ours is registered
    with `atexit` (a library handler is run, as at a normal exit).
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BrokenPipeError, ValueError):  # a reader gone (`| head`), a closed stream
            stream.flush()
    logging.shutdown()
    atexit._run_exitfuncs()
    os._exit(code)


if __name__ == "__main__":
    run()

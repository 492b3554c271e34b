"""Argument types checked before anything touches the database, and a parser that errs in one line.

Every subcommand takes its values through these types, so a fiscal year of 99999, an empty account
or a port of -1 is a usage error (exit 2) with one line on stderr, not a database error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, NoReturn

from workers.cli.output import ExitCode, one_line

FISCAL_YEAR_RANGE = (1900, 2999)
MAX_ACCOUNT_LENGTH = 200
_MAX_ID = 2**63 - 1  # ledger file ids are BIGINT


class OneLineParser(argparse.ArgumentParser):
    """`argparse` that reports a usage error as one line naming the subcommand's `--help`."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"ledgerstore: error: {one_line(message)} (see `{self.prog} --help`)\n")
        sys.exit(ExitCode.USAGE)


def fiscal_year(text: str) -> int:
    """A fiscal year between 1900 and 2999."""
    year = _int(text, "a fiscal year")
    low, high = FISCAL_YEAR_RANGE
    if not low <= year <= high:
        raise argparse.ArgumentTypeError(f"fiscal year {year} is outside {low}–{high}")
    return year


def account(text: str) -> str:
    """A non-empty account code of printable characters."""
    value = text.strip()
    if not value:
        raise argparse.ArgumentTypeError("the account must not be empty")
    if len(value) > MAX_ACCOUNT_LENGTH:
        raise argparse.ArgumentTypeError(f"the account is longer than {MAX_ACCOUNT_LENGTH} characters")
    if not value.isprintable():
        raise argparse.ArgumentTypeError("the account must not contain control characters")
    return value


def ledger_id(text: str) -> int:
    """A ledger file id: a positive whole number."""
    value = _int(text, "a ledger file id")
    if not 1 <= value <= _MAX_ID:
        raise argparse.ArgumentTypeError(f"ledger file id {value} is not a positive id")
    return value


def positive(text: str) -> int:
    """A whole number of at least 1."""
    value = _int(text, "a whole number")
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


def count(text: str) -> int:
    """A whole number of at least 0."""
    value = _int(text, "a whole number")
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} must not be negative")
    return value


def port(text: str) -> int:
    """A TCP port, 1–65535."""
    value = _int(text, "a port")
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port {value} is outside 1–65535")
    return value


def seconds(text: str) -> float:
    """A positive duration in seconds (not money: a float is right here)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value < 86_400 * 365:
        raise argparse.ArgumentTypeError(f"{text} seconds is out of range")
    return value


def output_file(text: str) -> Path:
    """A file to write: not a directory, in a directory that exists."""
    if not text or "\x00" in text:
        raise argparse.ArgumentTypeError("the output path is empty or holds a NUL character")
    path = Path(text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a directory; name a file to write")
    if not path.parent.is_dir():
        raise argparse.ArgumentTypeError(f"{path.parent} is not a directory")
    return path


def input_file(text: str) -> str:
    """A path to read; whether it exists is checked by the command (missing is exit 4)."""
    if not text or "\x00" in text:
        raise argparse.ArgumentTypeError("the file path is empty or holds a NUL character")
    return text


def _int(text: str, what: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None


def add_normalize_options(parser: argparse.ArgumentParser, *, accept_issues: bool) -> None:
    """`--profile`, `--encoding`, `--sheet` (and, for commands that store, `--accept-issues`):
    how a file is read, the same for `ingest`, `reprocess` and `normalize`."""
    parser.add_argument("--profile", help="a shipped profile's name or a profile file (TOML/JSON)")
    parser.add_argument("--encoding", help="text encoding, overriding detection (e.g. cp1252)")
    parser.add_argument("--sheet", help="workbook sheet, by name or 1-based number")
    if accept_issues:
        parser.add_argument(
            "--accept-issues",
            action="store_true",
            default=None,
            help="accept rows that could not become records (error-level issues) instead of rejecting"
            " the upload (default: LEDGERSTORE_ACCEPT_ISSUES)",
        )


def normalize_options(args: argparse.Namespace) -> dict[str, Any]:
    """The options `add_normalize_options` declared, as keyword arguments for the store."""
    return {
        "profile": args.profile,
        "encoding": args.encoding,
        "sheet": args.sheet,
        "accept_issues": args.accept_issues,
    }

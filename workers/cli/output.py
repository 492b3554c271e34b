"""Exit codes and one-line error output shared by every subcommand.

`EXIT_CODES` is the one table of what each code means; the README's table is checked against it
(tests/e2e/test_cli_contract.py).
"""

from __future__ import annotations

import errno
import os
import sys
from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    OK = 0
    FAILURE = 1  # the command ran and found a problem (e.g. verify found discrepancies)
    USAGE = 2  # bad arguments or settings (argparse uses 2 as well)
    INPUT = 3  # the input file cannot be used
    NOT_FOUND = 4  # a ledger file, object or input file does not exist
    UNAVAILABLE = 5  # database or object store unreachable; retry later
    INTERNAL = 70  # a bug in ledgerstore: one line here, the traceback with -v
    INTERRUPTED = 130


#: What each exit code means, as the README's table says it.
EXIT_CODES: dict[ExitCode, str] = {
    ExitCode.OK: "success",
    ExitCode.FAILURE: (
        "the command ran and found a problem (a rejected upload, discrepancies, unbalanced journals)"
    ),
    ExitCode.USAGE: "bad arguments or settings",
    ExitCode.INPUT: "the input file cannot be used (unreadable, no header, no amount column)",
    ExitCode.NOT_FOUND: "a ledger file, object or input file does not exist",
    ExitCode.UNAVAILABLE: "database or object store unavailable; retry later",
    ExitCode.INTERNAL: "a bug in ledgerstore; please report it with the output of `-v`",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C)",
}


def one_line(message: object) -> str:
    """`message` on one line: whitespace runs (newlines too) become one space, controls escaped."""
    text = " ".join(str(message).split())
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)


def fail(message: str, code: ExitCode = ExitCode.FAILURE) -> int:
    """Print `message` as one line on stderr and return `code`."""
    print(f"ledgerstore: error: {one_line(message)}", file=sys.stderr)
    return int(code)


def require_file(path: str) -> Path:
    """`path` as a readable regular file, before anything is stored: missing is `FileNotFoundError`
    (exit 4), a directory or other non-file is `IsADirectoryError`/`OSError` (exit 3)."""
    file = Path(path)
    if not file.exists():
        raise FileNotFoundError(errno.ENOENT, "no such file", path)
    if file.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a directory, not a ledger file", path)
    if not file.is_file():
        raise OSError(errno.EINVAL, "is not a regular file", path)
    if not os.access(file, os.R_OK):
        raise PermissionError(errno.EACCES, "cannot be read (permission denied)", path)
    return file

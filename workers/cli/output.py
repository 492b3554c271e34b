"""Exit codes and one-line error output shared by every subcommand."""

from __future__ import annotations

import sys
from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FAILURE = 1  # the command ran and found a problem (e.g. verify found discrepancies)
    USAGE = 2  # bad arguments (argparse uses 2 as well)
    INPUT = 3  # the input file cannot be used
    NOT_FOUND = 4  # a ledger file or object does not exist
    UNAVAILABLE = 5  # database or object store unreachable; retry later
    INTERRUPTED = 130


def fail(message: str, code: ExitCode = ExitCode.FAILURE) -> int:
    """Print `message` as one line on stderr and return `code`."""
    text = " ".join(str(message).split())
    print(f"ledgerstore: error: {text}", file=sys.stderr)
    return int(code)

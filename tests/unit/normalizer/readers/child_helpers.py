"""Functions run in the bounded reader child by the tests (module level: pickled by name)."""

from __future__ import annotations

import collections
import os
import signal
import time
from pathlib import Path


def sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "slept"


def allocate(mib: int) -> int:
    block = bytearray(mib << 20)
    return len(block)


def segfault() -> None:
    os.kill(os.getpid(), signal.SIGSEGV)


def foreign_object() -> object:
    return collections.OrderedDict(a=1)


def note_pid_and_sleep(path: str, seconds: float) -> None:
    Path(path).write_text(str(os.getpid()))
    time.sleep(seconds)


def xlrd_stream(data: bytes) -> int:
    """xlrd's own walk of the compound document, without our chain check in front of it."""
    import io

    from xlrd import compdoc

    document = compdoc.CompDoc(data, logfile=io.StringIO())
    return len(document.get_named_stream("Workbook") or b"")

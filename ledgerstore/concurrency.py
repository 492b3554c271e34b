"""Threads that share the GIL well: C work in one thread, Python objects built in another."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

#: The thread switch interval while such threads run (the interpreter's default is 5 ms).
_SWITCH_INTERVAL = 0.0005
_switches = threading.Lock()
_switch_users: list[float] = []  # the interval each user found, the first one's restored


@contextmanager
def prompt_thread_switches() -> Iterator[None]:
    """Within: the interpreter hands the GIL between threads every 0.5 ms, not every 5 ms.

    For work split between a thread whose C calls drop the GIL (decompressing, hashing, COPY,
    object-store I/O) and one that holds it while it builds Python objects. Each time the
    first takes the GIL back it waits for the second to let go: after the switch interval,
    so it makes one step per 5 ms (the convoy made the cold record stream ~1.8x the time of
    its reading and parsing, and slower than with no thread at all). The interval is the
    interpreter's, so it is restored when the last user leaves (unless something else
    changed it meanwhile).
    """
    with _switches:
        found = sys.getswitchinterval()
        _switch_users.append(found)
        if found > _SWITCH_INTERVAL:
            sys.setswitchinterval(_SWITCH_INTERVAL)
    try:
        yield
    finally:
        with _switches:
            first = _switch_users[0]
            _switch_users.pop()
            if not _switch_users and sys.getswitchinterval() == min(first, _SWITCH_INTERVAL):
                sys.setswitchinterval(first)

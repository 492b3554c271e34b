"""Independent column computations run side by side: pyarrow's kernels release the GIL.

The columnar path computes many per-column results that do not depend on each other (each
column's trimmed text, each amount column's units). One thread leaves the other cores idle
while a file is normalized; `each` spreads such calls over a few threads and gives their
results in order, exactly as a loop would (an exception raised by any call is raised here).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

#: At most this many threads: each holds a column's temporaries, so memory stays bounded.
MAX_THREADS = 4

_T = TypeVar("_T")
_R = TypeVar("_R")


def each(function: Callable[[_T], _R], items: Iterable[_T]) -> list[_R]:
    """`[function(item) for item in items]`, computed by up to `threads()` threads."""
    work = list(items)
    count = min(len(work), threads())
    if count < 2:
        return [function(item) for item in work]
    with ThreadPoolExecutor(max_workers=count, thread_name_prefix="columns") as pool:
        return list(pool.map(function, work))


def threads() -> int:
    """Threads `each` uses: the cores this process may run on, up to `MAX_THREADS`."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not every platform has affinity
        cores = os.cpu_count() or 1
    return max(1, min(MAX_THREADS, cores))

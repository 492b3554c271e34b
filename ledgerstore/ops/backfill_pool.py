"""Running backfill in child processes that can neither take the run down nor outlive it.

- A child that dies (a reader aborting on a damaged file, the OOM killer) breaks its pool:
  the files that were in flight are run again one at a time, each in a fresh one-process pool,
  so the file that kills its process is found, recorded as an error on its ledger file, and
  the others go on in a fresh pool.
- Children die with the parent: each asks the kernel for SIGKILL when its parent dies
  (`PR_SET_PDEATHSIG`, Linux), so a `kill -9` of backfill leaves no child holding a database
  connection; and the pool is shut down, its children terminated, in a `finally` on every
  other way out (an error, Ctrl-C, SIGTERM).
- Children ignore SIGINT: Ctrl-C reaches the whole foreground process group, and it is the
  parent that stops the run (and its children) cleanly.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from ledgerstore.errors import LedgerStoreError
from ledgerstore.settings import Settings

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

_PR_SET_PDEATHSIG = 1
_DIED = "the process freezing it died (killed, out of memory or a crashing reader)"


class ProcessDiedError(LedgerStoreError):
    """The backfill process freezing a file died (killed, out of memory, a crashing reader)."""


def die_with_parent(parent_pid: int) -> None:
    """Ask the kernel to SIGKILL this process when its parent dies (Linux; elsewhere a no-op)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if os.getppid() != parent_pid:  # the parent died before we asked: nobody will collect us
        os._exit(1)


def run_isolated(
    items: Iterable[T],
    work: Callable[[T], R],
    *,
    jobs: int,
    initializer: Callable[[Settings], None],
    settings: Settings,
    on_death: Callable[[T, ProcessDiedError], R],
) -> Iterator[R]:
    """`work(item)` for every item in `jobs` processes, in completion order; `on_death(item, error)`
    for an item whose process died while working on it alone."""
    waiting = deque(items)
    while waiting:
        suspects = yield from _until_broken(waiting, work, jobs, initializer, settings)
        for item in suspects:  # alone, so a death is that item's own
            alone = yield from _until_broken(deque([item]), work, 1, initializer, settings)
            if alone:
                yield on_death(item, ProcessDiedError(_DIED))


def _until_broken(
    waiting: deque[T],
    work: Callable[[T], R],
    jobs: int,
    initializer: Callable[[Settings], None],
    settings: Settings,
) -> Generator[R, None, list[T]]:
    """Work items off `waiting` with at most `jobs` in flight (so a broken pool names its
    suspects) until done or the pool breaks; the items in flight when it broke."""
    pool = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context("spawn"),  # no child inherits our connections
        initializer=_child_init,
        initargs=(initializer, settings, os.getpid()),
    )
    in_flight: dict[Future[R], T] = {}
    broken: list[T] = []
    try:
        while waiting or in_flight:
            while waiting and len(in_flight) < jobs:
                item = waiting.popleft()
                in_flight[pool.submit(work, item)] = item
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                item = in_flight.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    broken.append(item)
                    continue
                yield result
            if broken:
                broken.extend(in_flight.values())
                log.warning("a backfill process died; running its %d file(s) again one by one", len(broken))
                return broken
        return []
    finally:
        _shut_down(pool)


def _shut_down(pool: ProcessPoolExecutor) -> None:
    """Stop the pool now: cancel what has not started and terminate the children still running."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()


def _child_init(initializer: Callable[[Settings], None], settings: Settings, parent_pid: int) -> None:
    die_with_parent(parent_pid)
    initializer(settings)

"""`normalizer.fast.parallel.each` is a loop computed by a few threads: same results, same order,
the same exception."""

from __future__ import annotations

import threading

import pytest

from normalizer.fast import parallel
from normalizer.fast.parallel import each


def test_results_come_in_order_from_several_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "threads", lambda: 3)
    seen: set[str] = set()
    started = threading.Barrier(3, timeout=10)  # three calls at once, or this times out

    def work(n: int) -> int:
        seen.add(threading.current_thread().name)
        if n < 3:
            started.wait()
        return n * n

    assert each(work, range(12)) == [n * n for n in range(12)]
    assert len(seen) == 3


def test_an_exception_of_any_call_is_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "threads", lambda: 2)

    def work(n: int) -> int:
        if n == 5:
            raise ValueError("five")
        return n

    with pytest.raises(ValueError, match="five"):
        each(work, range(8))


def test_one_core_is_a_plain_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "threads", lambda: 1)
    names = each(lambda _: threading.current_thread().name, range(4))
    assert names == [threading.current_thread().name] * 4
    assert each(lambda n: n, []) == []


def test_threads_are_bounded() -> None:
    assert 1 <= parallel.threads() <= parallel.MAX_THREADS

from __future__ import annotations

import sys

from ledgerstore import concurrency


def test_thread_switches_are_prompt_within_and_restored_after() -> None:
    before = sys.getswitchinterval()
    assert before > concurrency._SWITCH_INTERVAL  # the interpreter's default, 5 ms
    with concurrency.prompt_thread_switches():
        assert sys.getswitchinterval() == concurrency._SWITCH_INTERVAL
        with concurrency.prompt_thread_switches():  # two streams at once
            assert sys.getswitchinterval() == concurrency._SWITCH_INTERVAL
        assert sys.getswitchinterval() == concurrency._SWITCH_INTERVAL  # one still reads
    assert sys.getswitchinterval() == before


def test_a_switch_interval_set_meanwhile_is_left_alone() -> None:
    before = sys.getswitchinterval()
    try:
        with concurrency.prompt_thread_switches():
            sys.setswitchinterval(0.002)  # the application's own choice, made while reading
        assert sys.getswitchinterval() == 0.002
    finally:
        sys.setswitchinterval(before)

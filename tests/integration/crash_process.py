"""Upload and process a ledger file, SIGKILLing this process at a chosen point.

Usage: python -m tests.integration.crash_process POINT FILE ACCOUNT YEAR   (settings from env)
POINT is one of: after_raw, after_artifact, during_copy, before_commit, after_switch (the switch
committed, the partition it retired not dropped yet).
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

import ledgerstore.hot.copy
import ledgerstore.ledgers.repository
import ledgerstore.lifecycle.process
import ledgerstore.lifecycle.switch
from ledgerstore import LedgerStore, Settings


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _after(module: Any, name: str, when: Any = None) -> None:
    original = getattr(module, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        if when is None or when(*args, **kwargs):
            _die()
        return result

    setattr(module, name, wrapper)


def _before(module: Any, name: str) -> None:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _die()

    setattr(module, name, wrapper)


def main() -> int:
    point, path, account, year = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    if point == "after_raw":
        _after(ledgerstore.raw, "store_raw")
    elif point == "after_artifact":
        _after(ledgerstore.artifacts.ensure, "freeze")
    elif point == "during_copy":
        rows = iter(range(3))
        _after(ledgerstore.hot.copy, "_row", when=lambda record: next(rows, None) is None)
    elif point == "before_commit":
        _after(
            ledgerstore.ledgers.repository, "set_status", when=lambda c, i, status, **k: status == "active"
        )
    elif point == "after_switch":
        _before(ledgerstore.lifecycle.switch, "drop_retired_partitions")
    else:
        raise SystemExit(f"unknown crash point {point}")
    store = LedgerStore.open(Settings.from_env(os.environ))
    store.ingest(path, account=account, fiscal_year=year)
    return 0  # not reached: every point kills the process


if __name__ == "__main__":
    sys.exit(main())

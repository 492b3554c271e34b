"""Run a `ledgerstore` command, SIGKILLing the embedded PostgreSQL postmaster at a chosen point.

Usage: python -m tests.e2e.kill_postmaster POINT ARGS…   (settings from env; embedded server)
POINT is one of: before_row (the raw object is stored, its ledger-file row not yet),
during_copy (the hot COPY has sent a few rows), before_artifact (the artifact is about to be
recorded), before_switch (the switch transaction is about to start), before_attach (the
partition is staged, its attach about to start). The command goes on against a dead server,
as it would if the database host went away; its exit code is this process's.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any

import ledgerstore.hot.copy
import ledgerstore.ledgers.repository
import ledgerstore.lifecycle.process
import ledgerstore.lifecycle.switch
from ledgerstore.settings import Settings
from workers.cli.main import main as cli_main


def _kill_postmaster() -> None:
    pgdata = Settings.from_env(os.environ).pgdata
    pid = int((Path(pgdata) / "postmaster.pid").read_text().splitlines()[0])
    os.kill(pid, signal.SIGKILL)


def _before(module: Any, name: str, when: Any = None) -> None:
    original = getattr(module, name)
    fired = []

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not fired and (when is None or when(*args, **kwargs)):
            fired.append(True)
            _kill_postmaster()
        return original(*args, **kwargs)

    setattr(module, name, wrapper)


def main() -> int:
    point, argv = sys.argv[1], sys.argv[2:]
    if point == "before_row":
        _before(ledgerstore.ledgers.repository, "insert")
    elif point == "during_copy":
        rows = iter(range(3))
        _before(ledgerstore.hot.copy, "_row", when=lambda record: next(rows, None) is None)
    elif point == "before_artifact":
        _before(ledgerstore.lifecycle.process, "ensure_artifact")
    elif point == "before_attach":
        _before(ledgerstore.lifecycle.switch, "lock_hot_ddl")
    elif point == "before_switch":
        _before(ledgerstore.lifecycle.process, "activate")
    else:
        raise SystemExit(f"unknown point {point}")
    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())

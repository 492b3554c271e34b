"""A small client process for the multi-process tests: opens the database and keeps querying.

Usage: python -m tests.integration.db_client SECONDS   (settings from the environment)
Prints "ready <server pid>" once connected, then "ok <n>" after each query; exits 0 when done.
"""

from __future__ import annotations

import os
import sys
import time

import sqlalchemy as sa

from ledgerstore.db.database import open_database
from ledgerstore.settings import Settings


def main() -> int:
    seconds = float(sys.argv[1])
    engine = open_database(Settings.from_env(os.environ))
    with engine.connect() as connection:
        pid = connection.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
    print(f"ready {pid}", flush=True)
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        with engine.begin() as connection:
            n += connection.execute(sa.text("SELECT count(*) + 1 FROM ledger_files")).scalar_one()
        print(f"ok {n}", flush=True)
        time.sleep(0.05)
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())

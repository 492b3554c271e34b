"""Run the `ledgerstore` command as a subprocess, the way a user does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ledgerstore.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run `ledgerstore ARGS…` with only the given LEDGERSTORE_* variables set."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERSTORE_")}
    clean.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "workers.cli", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def settings_env(settings: Settings) -> dict[str, str]:
    """This process's environment without LEDGERSTORE_*, then `settings` as LEDGERSTORE_* variables:
    what a worker or backfill subprocess needs to reach the test's database and objects."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERSTORE_")}
    env.update(
        LEDGERSTORE_HOME=str(settings.home),
        LEDGERSTORE_DATABASE_URL=settings.database_url or "",
        LEDGERSTORE_OBJECT_URL=settings.resolved_object_url,
    )
    return env

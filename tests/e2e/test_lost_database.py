"""A database server that dies mid-ingest is exit 5 with one line, and the ingest can be rerun
(issue 13, finding 7: a killed postmaster). The embedded server is killed with SIGKILL at each
point; the rerun starts it again and finishes the same ledger file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ledgerstore.db.embedded import stop_embedded
from tests.e2e.cli import ROOT, run_cli

LEDGER = ROOT / "fixtures" / "ledgers" / "acme-2025-v1.csv"
INGEST = ("ingest", str(LEDGER), "--account", "ACME", "--fiscal-year", "2025")


@pytest.mark.timeout(240)
@pytest.mark.parametrize(
    "point", ["before_row", "before_artifact", "during_copy", "before_switch", "before_attach"]
)
def test_a_killed_postmaster_mid_ingest_is_exit_5_and_the_ingest_reruns(point: str, tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {"LEDGERSTORE_HOME": str(home)}  # the embedded server: ours to kill
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERSTORE_")}
    try:
        killed = subprocess.run(
            [sys.executable, "-m", "tests.e2e.kill_postmaster", point, *INGEST],
            cwd=ROOT,
            env={**clean, **env},
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert killed.returncode == 5, killed.stderr
        last = killed.stderr.splitlines()[-1]
        assert last.startswith("ledgerstore: error: ") and "database" in last, killed.stderr
        assert "Traceback" not in killed.stderr

        for _ in range(15):  # exit 5 means "retry later": the dead server's backends must exit first
            rerun = run_cli(*INGEST, "--json", env=env, timeout=180)
            if rerun.returncode != 5:
                break
            time.sleep(1)
        assert rerun.returncode == 0, rerun.stderr
        ledger = json.loads(rerun.stdout)
        assert (ledger["status"], ledger["record_count"]) == ("active", 6)
        # A row left by the killed run is resumed, not duplicated; a raw object stored before its
        # row is adopted by the rerun (its key is its content's sha256).
        assert ledger["created"] is (point == "before_row")
        if point != "before_row":
            assert ledger["id"] == 1  # the killed run's row
        # (before the row, the id the killed run reserved is gone: after a crash a PostgreSQL
        # sequence resumes past the values it had logged ahead, up to 32 of them)
        listed = json.loads(run_cli("ledgers", "--json", env=env).stdout)
        assert [entry["id"] for entry in listed] == [ledger["id"]]
        verified = run_cli("verify", "--deep", env=env)
        assert verified.returncode == 0, verified.stdout + verified.stderr
    finally:
        stop_embedded(home / "pgdata")

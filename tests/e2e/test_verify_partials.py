"""`verify` reports the temporary files killed writers left, and `--clean-partials` removes
them (issue 13, finding 9)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from sqlalchemy.engine import URL

from tests.e2e.cli import ROOT, run_cli

LEDGER = ROOT / "fixtures" / "ledgers" / "acme-2025-v1.csv"


def test_verify_reports_and_cleans_stale_partial_files(database_url: URL, tmp_path: Path) -> None:
    objects = tmp_path / "objects"
    env = {
        "LEDGERSTORE_HOME": str(tmp_path / "home"),
        "LEDGERSTORE_DATABASE_URL": database_url.render_as_string(hide_password=False),
        "LEDGERSTORE_OBJECT_URL": objects.as_uri(),
    }
    ingested = run_cli("ingest", str(LEDGER), "--account", "ACME", "--fiscal-year", "2025", env=env)
    assert ingested.returncode == 0, ingested.stderr
    stale = objects / "ledger-artifacts" / ".1.json.gz.x1y2.ledgerstore-partial"
    young = objects / "ledger-raw" / ".busy.ledgerstore-partial"  # a write in progress
    for path in (stale, young):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half an artifact")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))

    reported = run_cli("verify", "--json", env=env)
    assert reported.returncode == 0, reported.stderr  # no stored object is affected
    partials = json.loads(reported.stdout)["partial_files"]
    assert partials == {
        "older_than_s": 3600.0,
        "found": ["ledger-artifacts/.1.json.gz.x1y2.ledgerstore-partial"],
        "removed": [],
    }
    assert stale.exists()
    text = run_cli("verify", env=env)
    assert "Stale temporary files (left by killed writers over an hour ago): 1" in text.stdout
    assert "ledger-artifacts/.1.json.gz.x1y2.ledgerstore-partial" in text.stdout

    cleaned = run_cli("verify", "--clean-partials", "--json", env=env)
    assert cleaned.returncode == 0, cleaned.stderr
    assert json.loads(cleaned.stdout)["partial_files"]["removed"] == [
        "ledger-artifacts/.1.json.gz.x1y2.ledgerstore-partial"
    ]
    assert not stale.exists() and young.exists()
    again = run_cli("verify", "--json", env=env)
    assert json.loads(again.stdout)["partial_files"]["found"] == []

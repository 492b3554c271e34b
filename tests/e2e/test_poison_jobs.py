"""A file whose processing kills its process never takes the queue or a backfill down with it.

The poisoned file is the real one from issue 13, finding 1: an `.xls` whose DIMENSIONS record
claims 0xFFFFFFFF rows, on which the workbook reader aborts the process (SIGABRT) — or, once
the reader runs in a bounded child, fails cleanly; either way the good files get done.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from ledgerstore import LedgerStore, Settings
from tests.e2e.cli import ROOT, run_cli
from tests.workers.ledgers import ledger_csv
from workers.app import defer_processing, queue_app

SAMPLE = ROOT / "fixtures" / "samples" / "akretion__account_move_generic-fr_coa.xls"


def poisoned_xls() -> bytes:
    data = bytearray(SAMPLE.read_bytes())
    at = data.find(bytes.fromhex("00020e00"))  # the DIMENSIONS record
    assert at > 0
    data[at + 4 : at + 16] = struct.pack("<IIHH", 0, 0xFFFFFFFF, 0, 0xFFFF)
    return bytes(data)


def _env(settings: Settings) -> dict[str, str]:
    return {
        "LEDGERSTORE_HOME": str(settings.home),
        "LEDGERSTORE_DATABASE_URL": settings.database_url or "",
        "LEDGERSTORE_OBJECT_URL": settings.resolved_object_url,
    }


def _burst_worker(settings: Settings, log: Path) -> int:
    """One `worker --burst` run (quick stall detection, one retry of a job whose worker died)."""
    args = ["--burst", "--stalled-after", "2", "--heartbeat", "0.5", "--stalled-retries", "1"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERSTORE_")}
    env.update(_env(settings))
    with log.open("a") as stderr:
        done = subprocess.run(
            [sys.executable, "-m", "workers.cli", "worker", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            timeout=120,
            check=False,
        )
    return done.returncode


@pytest.mark.timeout(300)
def test_a_poison_job_fails_after_its_retries_and_the_good_jobs_run(
    settings: Settings, tmp_path: Path
) -> None:
    store = LedgerStore.open(settings)
    try:
        poison = store.upload(poisoned_xls(), account="POISON", fiscal_year=2025, name="damaged.xls").ledger
        good = [
            store.upload(ledger_csv(n), account=f"ACCT{n}", fiscal_year=2025, name="gl.csv").ledger
            for n in range(3)
        ]
        app = queue_app(store.engine.url)
        for ledger in [poison, *good]:  # the poison job first: it is fetched first
            with store.engine.begin() as connection:
                defer_processing(app, connection, ledger)

        log = tmp_path / "worker.log"
        codes = []
        for _ in range(5):
            codes.append(_burst_worker(settings, log))
            if codes[-1] == 0:
                break
            time.sleep(2.5)  # the dead worker's heartbeat grows stale: its job is stalled
        assert codes[-1] == 0, log.read_text()[-3000:]
        # Every run before the last died of the poisoned file: one first run, one retry.
        assert len(codes) - 1 <= 2, codes
        assert all(code < 0 or code == 134 for code in codes[:-1]), codes

        failed = store.ledger(poison.id)
        assert failed.status == "failed"
        assert failed.error
        if codes[:-1]:  # the reader crashed: the stall recovery gave up on it
            assert "the worker running it died 2 times" in failed.error
        assert [store.ledger(ledger.id).status for ledger in good] == ["active"] * 3
        with store.engine.connect() as connection:
            jobs = connection.execute(
                sa.text("SELECT (args->>'ledger_file_id')::int, status::text FROM procrastinate_jobs"
                        " WHERE task_name = 'ledgerstore.process_ledger' ORDER BY id")
            ).all()  # fmt: skip
        assert jobs == [(poison.id, "failed")] + [(ledger.id, "succeeded") for ledger in good]
    finally:
        store.close()


@pytest.mark.timeout(300)
def test_backfill_marks_the_file_that_kills_its_process_and_finishes_the_others(
    settings: Settings, tmp_path: Path
) -> None:
    rows = ["path,account,fiscal_year,name,uploaded_at"]
    for n in range(4):
        path = tmp_path / f"legacy-{n}.csv"
        path.write_bytes(ledger_csv(n, year=2024))
        rows.append(f"{path},ACCT{n},2024,gl-{n}.csv,2024-0{n + 1}-01T00:00:00+00:00")
    poison = tmp_path / "damaged.xls"
    poison.write_bytes(poisoned_xls())
    rows.insert(2, f"{poison},POISON,2024,damaged.xls,2024-06-01T00:00:00+00:00")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("\n".join(rows) + "\n")
    env = _env(settings)
    registered = run_cli("register", str(manifest), env=env)
    assert registered.returncode == 0, registered.stderr

    first = run_cli("backfill", "--jobs", "2", "--json", env=env, timeout=240)
    assert first.returncode == 1, first.stderr  # the run found a problem: one file is an Error
    summary = json.loads(first.stdout)
    assert (summary["created"], summary["errors"]) == (4, 1)
    ((error,),) = [summary["error_report"]]
    store = LedgerStore.open(settings)
    try:
        damaged = next(ledger for ledger in store.ledgers() if ledger.account == "POISON")
        assert error["ledger_file_id"] == damaged.id
        assert damaged.status == "failed" and damaged.error == error["error"]
    finally:
        store.close()
    # A rerun is not stuck on it: nothing is left to do.
    second = run_cli("backfill", "--jobs", "2", "--json", env=env, timeout=120)
    assert second.returncode == 0, second.stderr
    assert (json.loads(second.stdout)["created"], json.loads(second.stdout)["errors"]) == (0, 0)

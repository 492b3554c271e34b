"""SIGTERM stops a worker cleanly even mid-job: the job finishes, the worker exits 0."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from ledgerstore import LedgerStore, Settings
from tests.e2e.cli import ROOT, settings_env
from tests.workers.ledgers import ledger_csv
from workers.app import defer_processing, queue_app


def _job_status(store: LedgerStore, ledger_file_id: int) -> str | None:
    query = sa.text(
        "SELECT status::text FROM procrastinate_jobs WHERE (args->>'ledger_file_id')::bigint = :id"
        " AND task_name = 'ledgerstore.process_ledger'"
    )
    with store.engine.connect() as connection:
        return connection.execute(query, {"id": ledger_file_id}).scalar_one_or_none()


@pytest.mark.timeout(240)
def test_sigterm_mid_job_lets_the_job_finish_and_exits_0(settings: Settings, tmp_path: Path) -> None:
    store = LedgerStore.open(settings)
    try:
        big = ledger_csv(7, entries=60_000)  # 120,000 rows: a job that runs for a while
        ledger = store.upload(big, account="ACME", fiscal_year=2025, name="big.csv").ledger
        with store.engine.begin() as connection:
            defer_processing(queue_app(store.engine.url), connection, ledger)
        log = tmp_path / "worker.log"
        with log.open("w") as stderr:
            worker = subprocess.Popen(
                [sys.executable, "-m", "workers.cli", "worker"],
                cwd=ROOT,
                env=settings_env(settings),
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        try:
            deadline = time.monotonic() + 120
            while _job_status(store, ledger.id) == "todo" and time.monotonic() < deadline:
                time.sleep(0.05)
            assert _job_status(store, ledger.id) == "doing", log.read_text()[-2000:]
            worker.send_signal(signal.SIGTERM)
            code = worker.wait(timeout=150)
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        assert code == 0, log.read_text()[-2000:]
        assert _job_status(store, ledger.id) == "succeeded"
        assert store.ledger(ledger.id).status == "active"
    finally:
        store.close()

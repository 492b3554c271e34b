"""Workers as users run them: several `ledgerstore worker` processes on one database."""

from __future__ import annotations

import json
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from ledgerstore import LedgerStore, Settings
from ledgerstore.db.queue_jobs import queue_depth
from tests.e2e.cli import ROOT, run_cli, settings_env
from tests.workers.ledgers import ledger_csv
from workers.app import defer_processing, queue_app


class Worker:
    """A `ledgerstore worker` process; its log goes to a file (a full pipe would block it)."""

    def __init__(self, settings: Settings, log: Path, *args: str) -> None:
        self.log = log
        with log.open("w") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "workers.cli", "worker", *args],
                cwd=ROOT,
                env=settings_env(settings),
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )

    def wait(self, timeout: float) -> str:
        """Wait for it to exit (SIGTERM after `timeout`, SIGKILL 30 s later); its log."""
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
        return self.log.read_text()

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.log.read_text()


def _succeeded(stderr: str) -> list[int]:
    """Ledger files whose process_ledger succeeded, from the worker's JSON log lines."""
    events = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    return [
        int(event["ledger_file_id"])
        for event in events
        if event.get("task") == "ledgerstore.process_ledger" and " succeeded in " in event["message"]
    ]


@pytest.mark.timeout(240)
def test_two_workers_process_100_uploads_exactly_once(settings: Settings, tmp_path: Path) -> None:
    pairs = [(f"ACCT{a}", 2024 + a % 2) for a in range(10)]
    store = LedgerStore.open(settings)
    try:
        uploads = [(pair, version) for pair in pairs for version in range(10)]
        rng = random.Random(20250101)
        ids = {}
        for pair, version in uploads:  # interleaved by version, so no pair is uploaded in one burst
            data = ledger_csv(pairs.index(pair) * 100 + version, year=pair[1])
            ids[pair, version] = store.upload(
                data, account=pair[0], fiscal_year=pair[1], name="gl.csv"
            ).ledger.id
        order = list(ids.values())
        rng.shuffle(order)  # deferred in random order: older uploads often run after newer ones
        app = queue_app(store.engine.url)
        for ledger_id in order:
            with store.engine.begin() as connection:
                defer_processing(app, connection, store.ledger(ledger_id))

        workers = [
            Worker(settings, tmp_path / f"worker{n}.log", "--concurrency", "2", "--burst") for n in range(2)
        ]
        logs = [worker.wait(timeout=150) for worker in workers]
        for worker, log in zip(workers, logs, strict=True):
            assert worker.process.returncode == 0, log[-2000:]

        done = [_succeeded(log) for log in logs]
        assert all(done)  # both workers took part
        counts = Counter(i for per_worker in done for i in per_worker)
        assert sorted(counts) == sorted(order)
        assert set(counts.values()) == {1}  # each upload processed exactly once, by one worker
        with store.engine.connect() as connection:
            starts = connection.execute(
                sa.text(
                    "SELECT count(*) FROM procrastinate_events e JOIN procrastinate_jobs j ON j.id = e.job_id"
                    " WHERE e.type = 'started' AND j.task_name = 'ledgerstore.process_ledger'"
                )
            ).scalar_one()
            depth = queue_depth(connection)
            outcomes = connection.execute(
                sa.text(
                    "SELECT status::text, count(*) FROM procrastinate_jobs"
                    " WHERE task_name = 'ledgerstore.process_ledger' GROUP BY status"
                )
            ).all()
        assert starts == 100
        assert outcomes == [("succeeded", 100)]
        assert (depth["todo"], depth["doing"], depth["failed"], depth["stalled"]) == (0, 0, 0, 0)
        for account, year in pairs:
            history = store.history(account, year)
            statuses = [ledger.status for ledger in history]
            assert statuses == ["superseded"] * 9 + ["active"], (account, year)
            assert all(ledger.has_artifact for ledger in history)
    finally:
        store.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.timeout(120)
def test_ingest_queue_then_a_worker_with_metrics_and_graceful_stop(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "gl.csv"
    path.write_bytes(ledger_csv(1))
    queued = run_cli(
        "ingest",
        str(path),
        "--account",
        "ACME",
        "--fiscal-year",
        "2025",
        "--queue",
        env=settings_env(settings),
    )
    assert queued.returncode == 0, queued.stderr
    assert queued.stdout.startswith("queued ledger file 1: ACME 2025 #1 (job ")
    status = json.loads(run_cli("status", "--json", env=settings_env(settings)).stdout)
    assert status["queue"]["todo"] == 1
    assert status["ledger_files"]["by_status"]["pending"] == 1

    port = _free_port()
    worker = Worker(settings, tmp_path / "worker.log", "--metrics-port", str(port))
    try:
        deadline = time.monotonic() + 60
        text = ""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as response:
                    text = response.read().decode()
            except OSError:
                text = ""
            if 'task="ledgerstore.process_ledger"' in text:
                break
            time.sleep(0.2)
        assert (
            'ledgerstore_task_duration_seconds_count{outcome="succeeded",task="ledgerstore.process_ledger"} 1'
            in text
        )
    finally:
        log = worker.stop()
    assert worker.process.returncode == 0, log[-2000:]
    status = json.loads(run_cli("status", "--json", env=settings_env(settings)).stdout)
    assert status["ledger_files"]["by_status"]["active"] == 1
    # Periodic jobs (stalled-job recovery, backfill sweep) come and go; nothing was left running.
    assert status["queue"]["succeeded"] >= 1
    assert (status["queue"]["doing"], status["queue"]["stalled"]) == (0, 0)

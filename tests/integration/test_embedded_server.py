"""The embedded server: started on first use, shared by processes, unharmed by a crashed client."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ledgerstore.db.embedded import running_uri, start_embedded, stop_embedded

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    home = tmp_path / "home"
    yield home
    stop_embedded(home / "pgdata")


def _client(home: Path, seconds: float) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERSTORE_")}
    env["LEDGERSTORE_HOME"] = str(home)
    return subprocess.Popen(
        [sys.executable, "-m", "tests.integration.db_client", str(seconds)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_ready(process: subprocess.Popen[str]) -> None:
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith("ready "), (line, process.stderr.read() if process.stderr else "")


@pytest.mark.timeout(120)
def test_two_processes_starting_at_once_share_one_server(home: Path) -> None:
    clients = [_client(home, 1.0), _client(home, 1.0)]
    results = [client.communicate(timeout=90) for client in clients]
    for client, (out, err) in zip(clients, results, strict=True):
        assert client.returncode == 0, err
        assert out.startswith("ready ")
        assert "ok " in out
    postmaster_pids = {line for line in (home / "pgdata" / "postmaster.pid").read_text().splitlines()[:1]}
    assert len(postmaster_pids) == 1


@pytest.mark.timeout(120)
def test_killing_one_client_leaves_the_other_working(home: Path) -> None:
    survivor = _client(home, 4.0)
    _wait_ready(survivor)
    victim = _client(home, 30.0)
    _wait_ready(victim)
    os.kill(victim.pid, signal.SIGKILL)
    victim.communicate(timeout=30)
    assert victim.returncode == -signal.SIGKILL
    out, err = survivor.communicate(timeout=60)
    assert survivor.returncode == 0, err
    assert out.count("ok ") >= 3
    # A new process after the crash reuses the running server.
    late = _client(home, 0.2)
    out, err = late.communicate(timeout=60)
    assert late.returncode == 0, err
    assert out.startswith("ready ")


@pytest.mark.timeout(120)
def test_a_running_server_is_found_without_pgserver_and_a_stale_pid_file_is_not(home: Path) -> None:
    pgdata = home / "pgdata"
    assert running_uri(pgdata) is None  # no server yet
    started = start_embedded(pgdata)  # the locked way: initializes and starts it
    assert running_uri(pgdata) == started.uri
    again = start_embedded(pgdata)
    assert again.uri == started.uri
    pid_file = pgdata / "postmaster.pid"
    lines = pid_file.read_text().splitlines()
    stopping = [*lines[:7], "stopping"]
    pid_file.write_text("\n".join(stopping) + "\n")
    try:
        assert running_uri(pgdata) is None  # not ready: pgserver decides
    finally:
        pid_file.write_text("\n".join(lines) + "\n")
    assert running_uri(pgdata) == started.uri
    assert stop_embedded(pgdata)
    assert running_uri(pgdata) is None

"""Stopping `backfill --jobs 2` any way leaves no child process behind (issue 13, finding 6)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ledgerstore import Settings
from tests.e2e.cli import ROOT, run_cli, settings_env
from tests.workers.ledgers import write_legacy


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text.rsplit(")", 1)[1].split()
    return fields[0], int(fields[1])


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None and stat[1] == pid:
                found.add(int(entry.name))
    return found


def _alive(pids: set[int]) -> set[int]:
    """The pids still running (a zombie nobody reaps has died)."""
    return {pid for pid in pids if (stat := _stat(pid)) is not None and stat[0] != "Z"}


@pytest.fixture
def backfill(settings: Settings, tmp_path: Path) -> subprocess.Popen[bytes]:
    """A `backfill --jobs 2` run over 150 legacy files, once both freezing children are up."""
    registered = run_cli("register", str(write_legacy(tmp_path / "legacy", 150)), env=settings_env(settings))
    assert registered.returncode == 0, registered.stderr
    process = subprocess.Popen(
        [sys.executable, "-m", "workers.cli", "backfill", "--jobs", "2"],
        cwd=ROOT,
        env=settings_env(settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, as a shell job has
    )
    deadline = time.monotonic() + 60
    while len(_children(process.pid)) < 3 and time.monotonic() < deadline:  # 2 workers + tracker
        time.sleep(0.1)
    assert process.poll() is None, "backfill ended before it could be stopped"
    return process


def _assert_children_die(
    process: subprocess.Popen[bytes], stop: signal.Signals, *, group: bool = False
) -> int | None:
    children = _children(process.pid)
    assert len(children) >= 2
    if group:  # what a terminal's Ctrl-C does: the signal goes to every process of the job
        os.killpg(process.pid, stop)
    else:
        process.send_signal(stop)
    code = process.wait(timeout=30)
    deadline = time.monotonic() + 20
    while _alive(children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _alive(children) == set(), f"orphaned children after {stop.name}"
    return code


@pytest.mark.timeout(180)
def test_kill_9_of_backfill_kills_its_children(backfill: subprocess.Popen[bytes]) -> None:
    assert _assert_children_die(backfill, signal.SIGKILL) == -signal.SIGKILL


@pytest.mark.timeout(180)
def test_sigterm_stops_backfill_and_its_children(backfill: subprocess.Popen[bytes]) -> None:
    assert _assert_children_die(backfill, signal.SIGTERM) == 130


@pytest.mark.timeout(180)
def test_ctrl_c_stops_backfill_and_its_children(backfill: subprocess.Popen[bytes]) -> None:
    assert _assert_children_die(backfill, signal.SIGINT, group=True) == 130

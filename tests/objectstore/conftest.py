"""Servers and stores for the object-store tests.

Session fixtures start moto's S3 server and the GCS emulator in-process on 127.0.0.1 (free
ports); each test gets its own bucket. `FlakyProxy` sits between a store and a server to inject
real HTTP failures (503s, dropped connections, responses lost after the server committed).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ledgerstore.objectstore.local import LocalStore
from ledgerstore.objectstore.memory import MemoryStore
from ledgerstore.objectstore.retry import RetryPolicy
from tests.objectstore.flaky_proxy import FlakyProxy
from tests.objectstore.servers import free_port, make_gcs_store, make_s3_store, open_gcs_client

BACKENDS = ["local", "memory", "s3", "gcs"]


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """URL of a moto S3 server running in this process for the whole session."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one access-log line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="session")
def gcs_endpoint() -> Iterator[str]:
    """URL of an in-memory gcp-storage-emulator running in this process for the whole session."""
    from gcp_storage_emulator.server import create_server

    port = free_port()
    server = create_server("127.0.0.1", port, in_memory=True)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def fast_retry() -> RetryPolicy:
    """A retry policy with millisecond backoff, so fault tests stay fast."""
    return RetryPolicy(attempts=4, initial_delay=0.001, max_delay=0.005, deadline=10.0)


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fake AWS credentials; no real profile, config file or endpoint can leak in."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def s3_bucket(aws_env: None, moto_endpoint: str) -> str:
    """A fresh, empty bucket on the moto server."""
    import boto3

    name = f"test-{uuid.uuid4().hex[:16]}"
    client = boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=name)
    client.close()
    return name


@pytest.fixture
def s3_client(aws_env: None, moto_endpoint: str) -> Iterator[Any]:
    """A plain boto3 client on the moto server, for looking behind a store's back."""
    import boto3

    client = boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1")
    yield client
    client.close()


@pytest.fixture(name="gcs_client")
def gcs_client_fixture(gcs_endpoint: str) -> Iterator[Any]:
    """An anonymous google-cloud-storage client pointed at the emulator."""
    with open_gcs_client(gcs_endpoint) as client:
        yield client


@pytest.fixture
def gcs_bucket(gcs_client: Any) -> str:
    """A fresh, empty bucket on the emulator."""
    name = f"test-{uuid.uuid4().hex[:16]}"
    gcs_client.create_bucket(name)
    return name


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path, fast_retry: RetryPolicy) -> Any:
    """One store per backend; network stores live under the prefix `root` of a fresh bucket."""
    kind = request.param
    if kind == "local":
        return LocalStore(tmp_path / "root")
    if kind == "memory":
        return MemoryStore("test")
    if kind == "s3":
        bucket = request.getfixturevalue("s3_bucket")
        return make_s3_store(bucket, request.getfixturevalue("moto_endpoint"), fast_retry)
    bucket = request.getfixturevalue("gcs_bucket")
    return make_gcs_store(bucket, request.getfixturevalue("gcs_client"), fast_retry)


@pytest.fixture
def flaky_proxy() -> Iterator[Any]:
    """Factory: `flaky_proxy(upstream_url)` returns a started FlakyProxy, stopped after the test."""
    proxies: list[FlakyProxy] = []

    def start(upstream: str) -> FlakyProxy:
        proxies.append(FlakyProxy(upstream))
        return proxies[-1]

    yield start
    for proxy in proxies:
        proxy.stop()

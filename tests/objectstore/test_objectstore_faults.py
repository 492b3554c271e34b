"""Real HTTP failures between the store and the server, injected by FlakyProxy: transient ones
are retried, permanent ones surface at once, and a write whose reply was lost is not lost."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ledgerstore.errors import ObjectExistsError, ObjectStoreError, ObjectStoreUnavailableError
from ledgerstore.objectstore import ObjectStore
from ledgerstore.objectstore.retry import RetryPolicy
from tests.objectstore.flaky_proxy import FlakyProxy
from tests.objectstore.servers import MIB, make_gcs_store, make_s3_store, open_gcs_client

# Requests a script may hit: every S3 request is about an object; for GCS, skip bucket lookups.
OBJECT_REQUESTS = {"s3": "", "gcs": "/o"}


@pytest.fixture(params=["s3", "gcs"])
def proxied(
    request: pytest.FixtureRequest, flaky_proxy: Callable[[str], FlakyProxy], fast_retry: RetryPolicy
) -> Iterator[tuple[ObjectStore, FlakyProxy, str]]:
    """(store reached through a FlakyProxy, the proxy, backend name)."""
    kind = request.param
    if kind == "s3":
        bucket = request.getfixturevalue("s3_bucket")
        proxy = flaky_proxy(request.getfixturevalue("moto_endpoint"))
        yield make_s3_store(bucket, proxy.url, fast_retry), proxy, kind
        return
    bucket = request.getfixturevalue("gcs_bucket")
    proxy = flaky_proxy(request.getfixturevalue("gcs_endpoint"))
    with open_gcs_client(proxy.url) as client:
        yield make_gcs_store(bucket, client, fast_retry), proxy, kind


def scripted(proxy: FlakyProxy, action: str) -> int:
    return sum(1 for _, _, seen in proxy.seen if seen == action)


OPERATIONS: dict[str, Callable[[ObjectStore], object]] = {
    "put_once": lambda store: store.put_once("new", b"fresh"),
    "read_bytes": lambda store: store.read_bytes("present"),
    "open": lambda store: store.open("present").read(),
    "exists": lambda store: store.exists("present"),
    "size": lambda store: store.size("present"),
    "list": lambda store: list(store.list()),
    "delete": lambda store: store.delete("present"),
}


@pytest.mark.parametrize("operation", OPERATIONS)
def test_transient_errors_are_retried(proxied: tuple[ObjectStore, FlakyProxy, str], operation: str) -> None:
    store, proxy, kind = proxied
    store.put_once("present", b"content")
    proxy.script("503", "drop", only=OBJECT_REQUESTS[kind])
    OPERATIONS[operation](store)
    assert (scripted(proxy, "503"), scripted(proxy, "drop")) == (1, 1)


def test_reads_and_listing_return_the_right_data_after_retries(
    proxied: tuple[ObjectStore, FlakyProxy, str],
) -> None:
    store, proxy, kind = proxied
    store.put_once("a/1", b"one")
    store.put_once("a/2", b"two")
    proxy.script("503", "503", only=OBJECT_REQUESTS[kind])
    assert list(store.list("a/")) == ["a/1", "a/2"]
    proxy.script("503", "drop", only=OBJECT_REQUESTS[kind])
    assert store.read_bytes("a/2") == b"two"


def test_large_upload_survives_failing_requests(proxied: tuple[ObjectStore, FlakyProxy, str]) -> None:
    store, proxy, kind = proxied
    payload = bytes(range(256)) * (12 * MIB // 256)
    # Let the upload start, then fail requests in the middle of it.
    proxy.script("forward", "503", "forward", "drop", only="PUT" if kind == "s3" else "/o")
    info = store.put_once("big", payload)
    assert info.sha256 == hashlib.sha256(payload).hexdigest()
    assert store.read_bytes("big") == payload
    assert (scripted(proxy, "503"), scripted(proxy, "drop")) == (1, 1)


def test_gives_up_after_the_retry_budget(proxied: tuple[ObjectStore, FlakyProxy, str]) -> None:
    store, proxy, kind = proxied
    proxy.script(*["503"] * 10, only=OBJECT_REQUESTS[kind])
    with pytest.raises(ObjectStoreUnavailableError, match="4 attempts") as raised:
        store.read_bytes("anything")
    assert raised.value.transient
    assert raised.value.key == "anything"
    assert scripted(proxy, "503") == 4  # fast_retry allows 4 attempts


@pytest.mark.parametrize(("status", "message"), [("403", "access denied"), ("400", "failed")])
def test_permanent_errors_surface_at_once(
    proxied: tuple[ObjectStore, FlakyProxy, str], status: str, message: str
) -> None:
    store, proxy, kind = proxied
    store.put_once("present", b"content")
    proxy.script(status, "503", only=OBJECT_REQUESTS[kind])
    with pytest.raises(ObjectStoreError, match=message) as raised:
        store.read_bytes("present")
    assert not isinstance(raised.value, ObjectStoreUnavailableError)
    assert raised.value.__cause__ is not None, "the foreign error is kept as the cause"
    assert scripted(proxy, status) == 1 and scripted(proxy, "503") == 0, "not retried"


def test_create_whose_reply_was_lost_is_a_success(proxied: tuple[ObjectStore, FlakyProxy, str]) -> None:
    store, proxy, kind = proxied
    # The server stores the object but the reply is lost; the retry then finds the key taken.
    # moto answers that retry with a real 412; the GCS emulator ignores the precondition, so
    # the 412 that real GCS would send is injected.
    actions = ["commit-then-503"] if kind == "s3" else ["commit-then-503", "412"]
    proxy.script(*actions, only="PUT" if kind == "s3" else "/o?uploadType")
    info = store.put_once("artifact", b"canonical bytes")
    assert info.sha256 == hashlib.sha256(b"canonical bytes").hexdigest()
    assert store.read_bytes("artifact") == b"canonical bytes"
    assert scripted(proxy, "commit-then-503") == 1


def test_retry_that_finds_someone_elses_object_raises_exists(
    proxied: tuple[ObjectStore, FlakyProxy, str],
) -> None:
    store, proxy, kind = proxied
    store.put_once("artifact", b"theirs")
    actions = ["503"] if kind == "s3" else ["503", "412"]
    proxy.script(*actions, only="PUT" if kind == "s3" else "/o?uploadType")
    with pytest.raises(ObjectExistsError):
        store.put_once("artifact", b"ours")
    assert store.read_bytes("artifact") == b"theirs"


def test_lost_multipart_completion_is_a_success(
    s3_bucket: str, moto_endpoint: str, flaky_proxy: Callable[[str], Any], fast_retry: RetryPolicy
) -> None:
    proxy = flaky_proxy(moto_endpoint)
    store = make_s3_store(s3_bucket, proxy.url, fast_retry)
    payload = b"m" * (6 * MIB)
    proxy.script("commit-then-503", only="POST /" + s3_bucket + "/root/big?uploadId")
    store.put_once("big", payload)
    assert scripted(proxy, "commit-then-503") == 1
    assert store.read_bytes("big") == payload

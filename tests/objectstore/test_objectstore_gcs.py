"""GCS: the create precondition is on the wire, even though the emulator ignores it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from ledgerstore.errors import ObjectExistsError
from ledgerstore.objectstore.retry import RetryPolicy
from tests.objectstore.servers import MIB, make_gcs_store, open_gcs_client


class RecordingSession(requests.Session):
    """A requests session that notes every request before sending it on unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[str, str]] = []

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        self.sent.append((str(method), str(url)))
        return super().request(method, url, *args, **kwargs)


@pytest.fixture
def recorded(gcs_endpoint: str) -> Iterator[tuple[Any, RecordingSession]]:
    session = RecordingSession()
    with open_gcs_client(gcs_endpoint, _http=session) as client:
        yield client, session


def _uploads(session: RecordingSession, bucket: str) -> list[dict[str, list[str]]]:
    """Query parameters of the requests that create an upload (the POST to .../b/<bucket>/o)."""
    posts = [urlsplit(url) for method, url in session.sent if method == "POST"]
    return [parse_qs(url.query) for url in posts if url.path.endswith(f"/b/{bucket}/o")]


@pytest.mark.parametrize(
    ("size", "upload_type"),
    [(1000, "multipart"), (8 * MIB + 1, "resumable")],  # the library switches above 8 MiB
)
def test_create_sends_if_generation_match_zero(
    recorded: tuple[Any, RecordingSession], fast_retry: RetryPolicy, size: int, upload_type: str
) -> None:
    client, session = recorded
    bucket = f"precondition-{uuid.uuid4().hex[:12]}"
    client.create_bucket(bucket)
    store = make_gcs_store(bucket, client, fast_retry)
    store.put_once("artifact", b"a" * size)
    uploads = _uploads(session, bucket)
    assert len(uploads) == 1
    assert uploads[0]["uploadType"] == [upload_type]
    assert uploads[0]["ifGenerationMatch"] == ["0"]


def test_precondition_failure_is_object_exists(
    flaky_proxy: Any, gcs_endpoint: str, gcs_bucket: str, fast_retry: RetryPolicy
) -> None:
    # What real GCS answers when the object exists; the emulator never does, so inject it.
    proxy = flaky_proxy(gcs_endpoint)
    with open_gcs_client(proxy.url) as client:
        store = make_gcs_store(gcs_bucket, client, fast_retry)
        proxy.script("412", only="/o?")
        with pytest.raises(ObjectExistsError, match="already exists"):
            store.put_once("artifact", b"x")
        uploads = [action for _, path, action in proxy.seen if "/o?" in path]
        assert uploads == ["412"], "a conflict is not retried"

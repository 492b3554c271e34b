"""S3: multipart uploads are cleaned up, and credentials stay out of sight."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ledgerstore.errors import ObjectExistsError
from ledgerstore.objectstore.retry import RetryPolicy
from ledgerstore.objectstore.s3 import S3Store
from tests.objectstore.servers import S3_PART_SIZE, make_s3_store


class Boom(Exception):
    pass


def parts_then_failure() -> Iterator[bytes]:
    yield b"p" * (2 * S3_PART_SIZE + 1)
    raise Boom


def test_failed_multipart_upload_is_aborted(
    s3_bucket: str, moto_endpoint: str, s3_client: Any, fast_retry: RetryPolicy
) -> None:
    store = make_s3_store(s3_bucket, moto_endpoint, fast_retry)
    with pytest.raises(Boom):
        store.put_once("big", parts_then_failure())
    assert s3_client.list_multipart_uploads(Bucket=s3_bucket).get("Uploads", []) == []
    assert not store.exists("big")


def test_losing_multipart_upload_is_aborted(
    s3_bucket: str, moto_endpoint: str, s3_client: Any, fast_retry: RetryPolicy
) -> None:
    store = make_s3_store(s3_bucket, moto_endpoint, fast_retry)
    store.put_once("big", b"first")
    with pytest.raises(ObjectExistsError):
        store.put_once("big", b"q" * (S3_PART_SIZE + 1))
    assert s3_client.list_multipart_uploads(Bucket=s3_bucket).get("Uploads", []) == []
    assert store.read_bytes("big") == b"first"


def test_put_objects_carry_if_none_match(s3_bucket: str, moto_endpoint: str, fast_retry: RetryPolicy) -> None:
    store = make_s3_store(s3_bucket, moto_endpoint, fast_retry)
    sent: list[tuple[str, str | None]] = []

    def record(request: Any, **_: Any) -> None:
        sent.append((request.method, request.headers.get("If-None-Match")))

    store._fs.s3.meta.events.register("before-send.s3.*", record)
    store.put_once("small", b"x")
    store.put_once("large", b"y" * (S3_PART_SIZE + 1))
    # PutObject; then CreateMultipartUpload, two UploadParts, CompleteMultipartUpload.
    assert sent == [("PUT", b"*"), ("POST", None), ("PUT", None), ("PUT", None), ("POST", b"*")]


def test_explicit_credentials_are_not_shown(s3_bucket: str, moto_endpoint: str) -> None:
    store = S3Store(
        s3_bucket,
        "p",
        endpoint_url=moto_endpoint,
        storage_options={"key": "AKIAEXAMPLEKEY", "secret": "very-secret-value"},
    )
    store.put_once("k", b"v")
    shown = f"{store.url} {store!r}"
    assert "very-secret-value" not in shown and "AKIAEXAMPLEKEY" not in shown


def test_part_size_below_s3_minimum_is_refused(aws_env: None) -> None:
    with pytest.raises(ValueError, match="part_size"):
        S3Store("bucket", part_size=1024)

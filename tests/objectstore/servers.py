"""Test-server helpers shared by the object-store tests: clients and stores on moto / the emulator."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ledgerstore.objectstore.gcs import GCSStore
from ledgerstore.objectstore.retry import RetryPolicy
from ledgerstore.objectstore.s3 import S3Store

MIB = 1 << 20
# Small parts and chunks so multi-MB test objects exercise multipart / resumable uploads.
S3_PART_SIZE = 5 * MIB
GCS_CHUNK_SIZE = 1 * MIB


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def open_gcs_client(endpoint: str, **kwargs: Any) -> Iterator[Any]:
    """An anonymous google-cloud-storage client for `endpoint`, closed on exit."""
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage

    from ledgerstore.objectstore.gcs import without_background_fetches

    client = storage.Client(
        project="test",
        credentials=AnonymousCredentials(),
        client_options={"api_endpoint": endpoint},
        **kwargs,
    )
    without_background_fetches(client)
    try:
        yield client
    finally:
        client.close()


def make_s3_store(bucket: str, endpoint: str, retry: RetryPolicy) -> S3Store:
    return S3Store(bucket, "root", endpoint_url=endpoint, retry=retry, part_size=S3_PART_SIZE)


def make_gcs_store(bucket: str, client: Any, retry: RetryPolicy) -> GCSStore:
    return GCSStore(bucket, "root", client=client, retry=retry, chunk_size=GCS_CHUNK_SIZE)

"""A store in a Google Cloud Storage bucket, under an optional prefix.

Creates send `ifGenerationMatch=0`, so GCS itself refuses to replace an existing object, and
uploads become visible only when complete. Data is spooled (to memory up to one chunk, then to
a temporary file) while its sha256 is computed, so a failed upload can be replayed from the
start and large objects go up as a resumable upload in fixed-size chunks.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any, BinaryIO, TypeVar

import requests
from google.api_core import exceptions as api_exceptions
from google.auth import exceptions as auth_exceptions
from google.cloud import storage
from google.cloud.storage import exceptions as storage_exceptions

from ledgerstore.errors import ConfigurationError, ObjectExistsError, ObjectNotFoundError, ObjectStoreError
from ledgerstore.objectstore.base import ObjectInfo, PutData, holds_content
from ledgerstore.objectstore.keys import shown, validate_key, validate_prefix
from ledgerstore.objectstore.retry import TRANSIENT_HTTP_STATUSES, RetryPolicy, call_with_retry
from ledgerstore.objectstore.streams import ContentDigest, iter_chunks, open_ranged

T = TypeVar("T")

DEFAULT_CHUNK_SIZE = 8 << 20  # a multiple of 256 KiB, as GCS resumable uploads require

_FOREIGN_ERRORS = (
    api_exceptions.GoogleAPIError,
    auth_exceptions.GoogleAuthError,
    storage_exceptions.InvalidResponse,
    requests.RequestException,
    ConnectionError,
    TimeoutError,
)


class GCSStore:
    """Objects named `<prefix>/<key>` in `bucket`.

    Without `client`, a default `storage.Client()` is built, which finds credentials the usual
    way (GOOGLE_APPLICATION_CREDENTIALS, gcloud, metadata server) and honours
    STORAGE_EMULATOR_HOST. The library's own retries are turned off: `retry` is the one policy.
    """

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        client: storage.Client | None = None,
        retry: RetryPolicy | None = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
    ) -> None:
        if chunk_size <= 0 or chunk_size % (256 << 10):
            raise ValueError("GCS chunk_size must be a positive multiple of 256 KiB")
        self._prefix = validate_prefix(prefix.strip("/"))
        self._client = client if client is not None else _default_client()
        self._bucket = self._client.bucket(bucket)
        self._retry = retry or RetryPolicy()
        # (connect, read) seconds for every request: the library's default waits 60 s per read.
        self._timeout = (self._retry.connect_timeout, self._retry.read_timeout)
        self._chunk_size = chunk_size
        self.url = f"gs://{bucket}/{self._prefix}" if self._prefix else f"gs://{bucket}"

    def __repr__(self) -> str:
        return f"GCSStore({self.url!r})"

    def put_once(self, key: str, data: PutData) -> ObjectInfo:
        """Spool and hash the data, then upload it with `ifGenerationMatch=0`."""
        name = self._name(key)
        with tempfile.SpooledTemporaryFile(max_size=self._chunk_size) as spool:
            digest = ContentDigest()
            for chunk in iter_chunks(data):
                spool.write(digest.update(chunk))
            info = digest.info(key)
            self._run("write", key, lambda attempt: self._upload(name, spool, info, attempt))
        return info

    def open(self, key: str) -> BinaryIO:
        """Stream the object's current generation, one chunk-sized range request at a time."""
        blob = self._blob_with_metadata(key)

        def fetch(start: int, end: int) -> bytes:
            return self._run("read", key, lambda _: _download_range(blob, start, end, self._timeout))

        return open_ranged(fetch, int(blob.size), self._chunk_size)

    def read_bytes(self, key: str) -> bytes:
        """Download the whole object in one request."""
        blob = self._bucket.blob(self._name(key))
        return self._run(
            "read", key, lambda _: bytes(blob.download_as_bytes(retry=None, timeout=self._timeout))
        )

    def exists(self, key: str) -> bool:
        """Say whether the object exists (one metadata request)."""
        name = self._name(key)
        return (
            self._run("check", key, lambda _: self._bucket.get_blob(name, retry=None, timeout=self._timeout))
            is not None
        )

    def size(self, key: str) -> int:
        """Return the object's size from its metadata."""
        return int(self._blob_with_metadata(key).size)

    def list(self, prefix: str = "") -> Iterator[str]:
        """Return the sorted keys under `prefix`; the listing is collected first so it can be retried."""
        full = self._full_prefix(validate_prefix(prefix))
        names = self._run("list", None, lambda _: self._list_names(full))
        strip = len(self._prefix) + 1 if self._prefix else 0
        return iter(sorted(name[strip:] for name in names))

    def delete(self, key: str) -> None:
        """Delete the object."""
        blob = self._bucket.blob(self._name(key))
        self._run("delete", key, lambda _: blob.delete(retry=None, timeout=self._timeout))

    def _name(self, key: str) -> str:
        validate_key(key)
        return f"{self._prefix}/{key}" if self._prefix else key

    def _full_prefix(self, prefix: str) -> str:
        return f"{self._prefix}/{prefix}" if self._prefix else prefix

    def _list_names(self, full_prefix: str) -> Sequence[str]:
        blobs = self._client.list_blobs(self._bucket, prefix=full_prefix, retry=None, timeout=self._timeout)
        return [str(blob.name) for blob in blobs]

    def _blob_with_metadata(self, key: str) -> Any:
        name = self._name(key)
        blob = self._run(
            "read", key, lambda _: self._bucket.get_blob(name, retry=None, timeout=self._timeout)
        )
        if blob is None:
            raise ObjectNotFoundError(f"no object {shown(key)} in {self.url}", key=key)
        return blob

    def _upload(self, name: str, spool: IO[bytes], info: ObjectInfo, attempt: int) -> None:
        spool.seek(0)
        # The library sends up to 8 MiB in one multipart request and larger objects as a
        # resumable upload; the chunk size bounds the memory that upload buffers per request.
        blob = self._bucket.blob(name, chunk_size=self._chunk_size)
        try:
            blob.upload_from_file(
                spool, size=info.size, if_generation_match=0, retry=None, timeout=self._timeout
            )
        except api_exceptions.PreconditionFailed as exc:
            # After a failed attempt of ours, the object in the way may be that attempt's.
            if attempt > 0 and holds_content(self, info):
                return
            message = f"object {shown(info.key)} already exists in {self.url}"
            raise ObjectExistsError(message, key=info.key) from exc

    def _run(self, action: str, key: str | None, operation: Callable[[int], T]) -> T:
        describe = f"GCS {action} of {shown(key)} in {self.url}" if key else f"GCS {action} in {self.url}"
        try:
            return call_with_retry(
                operation, policy=self._retry, is_transient=is_transient, describe=describe, key=key
            )
        except _FOREIGN_ERRORS as exc:
            raise _translate(exc, describe, key, self.url) from exc


def _default_client() -> Any:
    try:
        client = storage.Client()
    except auth_exceptions.DefaultCredentialsError as exc:
        raise ConfigurationError(
            "gs:// object store: no Google credentials found; set GOOGLE_APPLICATION_CREDENTIALS, "
            "run `gcloud auth application-default login`, or set STORAGE_EMULATOR_HOST for an emulator"
        ) from exc
    return without_background_fetches(client)


def without_background_fetches(client: Any) -> Any:
    """`client` without its bucket-metadata cache, so it never starts a request on its own.

    Since google-cloud-storage 3.x an object call on a bucket the client has not seen starts a
    daemon thread that fetches the bucket's metadata (for tracing attributes), with the
    library's own retry policy (up to two minutes of retries) and after our call has returned:
    requests outside the one retry policy, and a thread that outlives the store. The library
    checks `client._bucket_metadata_cache` before each use; without it, it does nothing.
    """
    if getattr(client, "_bucket_metadata_cache", None) is not None:
        client._bucket_metadata_cache = None
    return client


def _download_range(blob: Any, start: int, end: int, timeout: tuple[float, float]) -> bytes:
    # Checksums cover whole objects only; a range cannot be checked against them.
    return bytes(blob.download_as_bytes(start=start, end=end - 1, checksum=None, retry=None, timeout=timeout))


def is_transient(exc: BaseException) -> bool:
    """Say whether a retry may succeed: timeouts, dropped connections, 408/429/5xx."""
    if isinstance(exc, api_exceptions.GoogleAPICallError):
        return exc.code in TRANSIENT_HTTP_STATUSES
    if isinstance(exc, storage_exceptions.InvalidResponse):
        return getattr(exc.response, "status_code", None) in TRANSIENT_HTTP_STATUSES
    if isinstance(exc, api_exceptions.RetryError | auth_exceptions.TransportError):
        return True
    dropped = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)
    return isinstance(exc, (*dropped, ConnectionError, TimeoutError))


def _translate(exc: BaseException, describe: str, key: str | None, url: str) -> ObjectStoreError:
    if isinstance(exc, api_exceptions.NotFound) and key is not None:
        return ObjectNotFoundError(f"no object {shown(key)} in {url} (or no such bucket)", key=key)
    denied = (api_exceptions.Forbidden, api_exceptions.Unauthorized, auth_exceptions.GoogleAuthError)
    if isinstance(exc, denied):
        return ObjectStoreError(f"{describe}: access denied; check GCS credentials and IAM", key=key)
    return ObjectStoreError(f"{describe} failed: {type(exc).__name__}: {_first_line(exc)}", key=key)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else ""

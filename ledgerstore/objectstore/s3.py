"""A store in an S3 (or S3-compatible) bucket, under an optional prefix, through s3fs.

Creates send `If-None-Match: *` on PutObject and on CompleteMultipartUpload, so S3 itself
refuses to replace an existing object; a multipart upload is invisible until completed and is
aborted on failure. Data is sent one part at a time (`part_size`, 8 MiB by default), so memory
stays bounded whatever the object's size. s3fs and botocore retries are turned off: `retry` is
the one policy, applied to each request.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, BinaryIO, TypeVar

from fsspec.asyn import sync

from ledgerstore.errors import ConfigurationError, ObjectExistsError, ObjectNotFoundError, ObjectStoreError
from ledgerstore.objectstore.base import ObjectInfo, PutData, holds_content
from ledgerstore.objectstore.keys import shown, validate_key, validate_prefix
from ledgerstore.objectstore.retry import TRANSIENT_HTTP_STATUSES, RetryPolicy, call_with_retry
from ledgerstore.objectstore.streams import ContentDigest, iter_chunks, open_ranged, regroup

T = TypeVar("T")

INSTALL_HINT = "pip install 'ledgerstore[s3]'"
DEFAULT_PART_SIZE = 8 << 20
MIN_PART_SIZE = 5 << 20  # S3's minimum for every part but the last

_TRANSIENT_CODES = frozenset(
    {"RequestTimeout", "SlowDown", "Throttling", "ThrottlingException", "InternalError",
     "ServiceUnavailable", "RequestTimeTooSkewed", "ConditionalRequestConflict"}
)  # fmt: skip
_NOT_FOUND_CODES = frozenset({"NoSuchKey", "NotFound", "404"})
_DENIED_CODES = frozenset({"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "403"})


class S3Store:
    """Objects named `<prefix>/<key>` in `bucket`.

    Credentials come from the usual AWS chain (environment, shared config, instance role) or
    from `storage_options` (passed to `s3fs.S3FileSystem`, e.g. `key`/`secret`); they are never
    logged or shown in `url`.
    """

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        endpoint_url: str | None = None,
        storage_options: Mapping[str, Any] | None = None,
        retry: RetryPolicy | None = None,
        part_size: int = DEFAULT_PART_SIZE,
    ) -> None:
        if part_size < MIN_PART_SIZE:
            raise ValueError(f"S3 part_size must be at least {MIN_PART_SIZE} bytes")
        self._prefix = validate_prefix(prefix.strip("/"))
        self._retry = retry or RetryPolicy()
        self._fs = _filesystem(endpoint_url, dict(storage_options or {}), self._retry)
        self._foreign = _foreign_errors()
        self._bucket = bucket
        self._part_size = part_size
        self.url = f"s3://{bucket}/{self._prefix}" if self._prefix else f"s3://{bucket}"

    def __repr__(self) -> str:
        return f"S3Store({self.url!r})"

    def put_once(self, key: str, data: PutData) -> ObjectInfo:
        """One conditional PutObject for small data, else a conditional multipart upload."""
        name = self._name(key)
        digest = ContentDigest()
        parts = regroup(digest.track(iter_chunks(data)), self._part_size)
        first = next(parts, b"")
        second = next(parts, None)
        if second is not None:
            return self._put_multipart(key, name, digest, itertools.chain([first, second], parts))
        info = digest.info(key)
        self._create(info, lambda: self._call("put_object", Key=name, Body=first, IfNoneMatch="*"))
        return info

    def open(self, key: str) -> BinaryIO:
        """Stream the object with ranged GETs of `part_size` bytes."""
        name = self._name(key)

        def fetch(start: int, end: int) -> bytes:
            return self._run("read", key, lambda _: self._get(name, Range=f"bytes={start}-{end - 1}"))

        return open_ranged(fetch, self.size(key), self._part_size)

    def read_bytes(self, key: str) -> bytes:
        """Download the whole object in one GET."""
        name = self._name(key)
        return self._run("read", key, lambda _: self._get(name))

    def exists(self, key: str) -> bool:
        """Say whether the object exists (one HEAD request)."""
        try:
            self.size(key)
        except ObjectNotFoundError:
            return False
        return True

    def size(self, key: str) -> int:
        """Return the object's ContentLength."""
        name = self._name(key)
        head = self._run("check", key, lambda _: self._call("head_object", Key=name))
        return int(head["ContentLength"])

    def list(self, prefix: str = "") -> Iterator[str]:
        """Return the sorted keys under `prefix`, each page request retried on its own."""
        full = self._full_prefix(validate_prefix(prefix))
        strip = len(self._prefix) + 1 if self._prefix else 0
        return iter(sorted(name[strip:] for name in self._list_names(full)))

    def delete(self, key: str) -> None:
        """Delete the object; S3 deletes are silent about missing keys, so check first."""
        name = self._name(key)
        self.size(key)
        self._run("delete", key, lambda _: self._call("delete_object", Key=name))

    def _name(self, key: str) -> str:
        validate_key(key)
        return f"{self._prefix}/{key}" if self._prefix else key

    def _full_prefix(self, prefix: str) -> str:
        return f"{self._prefix}/{prefix}" if self._prefix else prefix

    def _call(self, method: str, **kwargs: Any) -> Any:
        return self._fs.call_s3(method, Bucket=self._bucket, **kwargs)

    def _get(self, name: str, **kwargs: Any) -> bytes:
        return bytes(sync(self._fs.loop, _read_object, self._fs, self._bucket, name, kwargs))

    def _list_names(self, full_prefix: str) -> Iterator[str]:
        request = {"Prefix": full_prefix}
        while True:
            page = self._list_page(request)
            yield from (str(item["Key"]) for item in page.get("Contents", []))
            if not page.get("IsTruncated"):
                return
            request = {"Prefix": full_prefix, "ContinuationToken": page["NextContinuationToken"]}

    def _list_page(self, request: dict[str, str]) -> Any:
        return self._run("list", None, lambda _: self._call("list_objects_v2", **request))

    def _put_multipart(
        self, key: str, name: str, digest: ContentDigest, parts: Iterable[bytes]
    ) -> ObjectInfo:
        created = self._run("write", key, lambda _: self._call("create_multipart_upload", Key=name))
        upload_id = str(created["UploadId"])
        try:
            done = [self._upload_part(key, name, upload_id, n, body) for n, body in enumerate(parts, 1)]
            info = digest.info(key)
            complete = {"UploadId": upload_id, "MultipartUpload": {"Parts": done}, "IfNoneMatch": "*"}
            self._create(info, lambda: self._call("complete_multipart_upload", Key=name, **complete))
        except BaseException:
            self._abort(key, name, upload_id)
            raise
        return info

    def _upload_part(self, key: str, name: str, upload_id: str, number: int, body: bytes) -> dict[str, Any]:
        request = {"Key": name, "UploadId": upload_id, "PartNumber": number, "Body": body}
        result = self._run("write", key, lambda _: self._call("upload_part", **request))
        return {"PartNumber": number, "ETag": result["ETag"]}

    def _abort(self, key: str, name: str, upload_id: str) -> None:
        # Best effort: an unfinished upload is never visible as an object; if the abort fails
        # too, its parts only cost storage until the bucket's lifecycle rule removes them.
        request = {"Key": name, "UploadId": upload_id}
        with contextlib.suppress(ObjectStoreError):
            self._run("abort", key, lambda _: self._call("abort_multipart_upload", **request))

    def _create(self, info: ObjectInfo, request: Callable[[], object]) -> None:
        def attempt_create(attempt: int) -> None:
            try:
                request()
            except self._foreign as exc:
                code, status = _error_code(exc)
                conflict = status == 412 or code == "PreconditionFailed"
                # A retried CompleteMultipartUpload finds its upload gone if the first one won.
                if not (conflict or (attempt > 0 and code == "NoSuchUpload")):
                    raise
                # After a failed attempt of ours, the object in the way may be that attempt's.
                if attempt > 0 and holds_content(self, info):
                    return
                if not conflict:
                    raise
                message = f"object {shown(info.key)} already exists in {self.url}"
                raise ObjectExistsError(message, key=info.key) from exc

        self._run("write", info.key, attempt_create)

    def _run(self, action: str, key: str | None, operation: Callable[[int], T]) -> T:
        describe = f"S3 {action} of {shown(key)} in {self.url}" if key else f"S3 {action} in {self.url}"
        try:
            return call_with_retry(
                operation, policy=self._retry, is_transient=is_transient, describe=describe, key=key
            )
        except self._foreign as exc:
            raise _translate(exc, describe, key) from exc


async def _read_object(fs: Any, bucket: str, name: str, kwargs: dict[str, Any]) -> bytes:
    response = await fs._call_s3("get_object", Bucket=bucket, Key=name, **kwargs)
    body = response["Body"]
    try:
        return bytes(await body.read())
    finally:
        body.close()


def _import_s3fs() -> Any:
    try:
        import s3fs
    except ImportError as exc:
        raise ConfigurationError(f"s3:// object stores need the s3fs package: {INSTALL_HINT}") from exc
    return s3fs


def _filesystem(endpoint_url: str | None, options: dict[str, Any], retry: RetryPolicy) -> Any:
    s3fs = _import_s3fs()
    config = {
        "retries": {"total_max_attempts": 1},
        # botocore's defaults (60 s each) let a silent endpoint hold a request for minutes.
        "connect_timeout": retry.connect_timeout,
        "read_timeout": retry.read_timeout,
        **options.pop("config_kwargs", {}),
    }
    filesystem = s3fs.S3FileSystem(
        endpoint_url=endpoint_url, config_kwargs=config, skip_instance_cache=True, **options
    )
    # s3fs retries some errors itself; one attempt per call leaves the policy to RetryPolicy.
    filesystem.retries = 1
    _no_expect_continue(filesystem)
    return filesystem


def _no_expect_continue(filesystem: Any) -> None:
    """Send request bodies without `Expect: 100-continue`.

    aiohttp waits for the server's `100 Continue` with no timeout at all, so a silent endpoint
    held every PUT forever (the read timeout starts only once the body is sent). Without the
    header the body goes at once and `read_timeout` bounds the wait for the answer.
    """
    from botocore.handlers import add_expect_header  # type: ignore[import-untyped]

    client = sync(filesystem.loop, filesystem.set_session)  # local: builds the client, no request
    client.meta.events.unregister("before-call.s3", add_expect_header)


def _foreign_errors() -> tuple[type[BaseException], ...]:
    import aiohttp

    boto = _boto()
    return (boto.BotoCoreError, boto.ClientError, aiohttp.ClientError, OSError)


def _boto() -> Any:
    # botocore comes with s3fs (through aiobotocore) and is imported only once S3 is in use.
    from botocore import exceptions  # type: ignore[import-untyped]

    return exceptions


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _error_code(exc: BaseException) -> tuple[str | None, int | None]:
    """The S3 error code and HTTP status behind `exc` (s3fs wraps ClientError in OSError)."""
    client_error = _boto().ClientError
    for error in _causes(exc):
        if isinstance(error, client_error):
            response = error.response or {}
            status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            return response.get("Error", {}).get("Code"), status
    return None, None


def is_transient(exc: BaseException) -> bool:
    """Say whether a retry may succeed: timeouts, dropped connections, throttling, 5xx."""
    import aiohttp

    boto = _boto()
    for error in _causes(exc):
        if isinstance(error, boto.ClientError):
            code, status = _error_code(error)
            return status in TRANSIENT_HTTP_STATUSES or code in _TRANSIENT_CODES
        if isinstance(error, aiohttp.ClientResponseError):
            return error.status in TRANSIENT_HTTP_STATUSES
        dropped = (boto.HTTPClientError, boto.ConnectionError, boto.IncompleteReadError, aiohttp.ClientError)
        if isinstance(error, (*dropped, ConnectionError, TimeoutError)):
            return True
    return False


def _translate(exc: BaseException, describe: str, key: str | None) -> ObjectStoreError:
    no_credentials = _boto().NoCredentialsError
    code, status = _error_code(exc)
    if code == "NoSuchBucket":
        return ObjectStoreError(f"{describe}: the bucket does not exist", key=key)
    if key is not None and (status == 404 or code in _NOT_FOUND_CODES or isinstance(exc, FileNotFoundError)):
        return ObjectNotFoundError(f"{describe}: no such object", key=key)
    if status == 403 or code in _DENIED_CODES or isinstance(exc, PermissionError | no_credentials):
        return ObjectStoreError(f"{describe}: access denied; check AWS credentials and policy", key=key)
    detail = f"{code} (HTTP {status})" if code else f"{type(exc).__name__}: {exc}"
    return ObjectStoreError(f"{describe} failed: {detail}", key=key)

"""Object stores: where raw uploads and ledger artifacts live.

`open_object_store(url)` picks the backend from the URL; every backend implements the
`ObjectStore` protocol and passes the same contract tests. Backends are imported only when
used, so an unused cloud SDK never loads.

    file:///abs/path or a plain path    LocalStore   (a directory on local disk)
    memory:// or memory://name          MemoryStore  (a fresh in-process store per call)
    gs://bucket[/prefix]                GCSStore     (google-cloud-storage)
    s3://bucket[/prefix]                S3Store      (s3fs; pip install 'ledgerstore[s3]')
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ledgerstore.errors import ConfigurationError
from ledgerstore.objectstore.base import LeavesPartials, ObjectInfo, ObjectStore, PutData
from ledgerstore.objectstore.retry import RetryPolicy

__all__ = [
    "LeavesPartials",
    "ObjectInfo",
    "ObjectStore",
    "PutData",
    "RetryPolicy",
    "check_object_url",
    "open_object_store",
]

_SCHEMES = "file://, memory://, gs://, s3:// or a plain path"


def open_object_store(url: str, *, home: Path | None = None, retry: RetryPolicy | None = None) -> ObjectStore:
    """Return the store `url` names.

    `retry` bounds the network backends' waits (per-request timeouts, retry deadline); the
    default `RetryPolicy()` when not given. Local and memory stores do not wait.

    A relative plain path is taken relative to `home` (the local data directory) when given,
    else to the current directory. For s3:// the endpoint comes from AWS_ENDPOINT_URL_S3 or
    AWS_ENDPOINT_URL when set (for MinIO, moto and the like). Credentials are never accepted in
    the URL: each backend reads them from its SDK's usual sources.
    """
    scheme, netloc, path = check_object_url(url)
    if scheme == "file":
        return _local(Path(path), home)
    if scheme == "memory":
        from ledgerstore.objectstore.memory import MemoryStore

        return MemoryStore((netloc + path).strip("/"))
    if scheme == "gs":
        from ledgerstore.objectstore.gcs import GCSStore

        return GCSStore(netloc, path.strip("/"), retry=retry)
    from ledgerstore.objectstore.s3 import S3Store

    # The endpoint (AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL) comes from the SDK's own
    # configuration chain, like credentials: nothing here reads the environment.
    return S3Store(netloc, path.strip("/"), retry=retry)


def check_object_url(url: str) -> tuple[str, str, str]:
    """`(scheme, bucket or host, path)` of a valid object store URL; `ConfigurationError` otherwise.

    Cheap and without I/O, so entry points check settings before anything runs.
    """
    if "\x00" in url:
        raise ConfigurationError("the object store URL holds a NUL character")
    parts = urlsplit(url)
    if len(parts.scheme) <= 1:  # no scheme, or a Windows drive letter
        return "file", "", url
    if parts.username is not None or parts.password is not None:
        # Do not echo the URL: it holds a secret.
        raise ConfigurationError("object store URLs must not hold credentials; set them in the environment")
    if parts.query or parts.fragment:
        raise ConfigurationError(f"object store URL {url!r} must not have a query or fragment")
    scheme, netloc, path = parts.scheme, parts.netloc, unquote(parts.path)
    if scheme == "file" and netloc not in {"", "localhost"}:
        raise ConfigurationError(f"file URL {url!r} names a remote host; use file:///absolute/path")
    if scheme not in {"file", "memory", "gs", "s3"}:
        raise ConfigurationError(f"unsupported object store URL scheme {scheme!r}; use {_SCHEMES}")
    if scheme in {"gs", "s3"} and not netloc:
        raise ConfigurationError(f"object store URL {url!r} names no bucket")
    return scheme, netloc, path


def _local(path: Path, home: Path | None) -> ObjectStore:
    from ledgerstore.objectstore.local import LocalStore

    if str(path) in {"", "."} and home is None:
        raise ConfigurationError("an empty path is not an object store location")
    base = home if home is not None else Path.cwd()
    return LocalStore(Path(os.path.abspath(base / path.expanduser())))

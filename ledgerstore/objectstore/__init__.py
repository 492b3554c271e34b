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

__all__ = ["LeavesPartials", "ObjectInfo", "ObjectStore", "PutData", "RetryPolicy", "open_object_store"]

_SCHEMES = "file://, memory://, gs://, s3:// or a plain path"


def open_object_store(url: str, *, home: Path | None = None) -> ObjectStore:
    """Return the store `url` names.

    A relative plain path is taken relative to `home` (the local data directory) when given,
    else to the current directory. For s3:// the endpoint comes from AWS_ENDPOINT_URL_S3 or
    AWS_ENDPOINT_URL when set (for MinIO, moto and the like). Credentials are never accepted in
    the URL: each backend reads them from its SDK's usual sources.
    """
    parts = urlsplit(url)
    if len(parts.scheme) <= 1:  # no scheme, or a Windows drive letter
        return _local(Path(url), home)
    if parts.username is not None or parts.password is not None:
        # Do not echo the URL: it holds a secret.
        raise ConfigurationError("object store URLs must not hold credentials; set them in the environment")
    if parts.query or parts.fragment:
        raise ConfigurationError(f"object store URL {url!r} must not have a query or fragment")
    return _by_scheme(url, parts.scheme, parts.netloc, unquote(parts.path), home)


def _by_scheme(url: str, scheme: str, netloc: str, path: str, home: Path | None) -> ObjectStore:
    if scheme == "file":
        if netloc not in {"", "localhost"}:
            raise ConfigurationError(f"file URL {url!r} names a remote host; use file:///absolute/path")
        return _local(Path(path), home)
    if scheme == "memory":
        from ledgerstore.objectstore.memory import MemoryStore

        return MemoryStore((netloc + path).strip("/"))
    if not netloc:
        raise ConfigurationError(f"object store URL {url!r} names no bucket")
    if scheme == "gs":
        from ledgerstore.objectstore.gcs import GCSStore

        return GCSStore(netloc, path.strip("/"))
    if scheme == "s3":
        from ledgerstore.objectstore.s3 import S3Store

        endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
        return S3Store(netloc, path.strip("/"), endpoint_url=endpoint)
    raise ConfigurationError(f"unsupported object store URL scheme {scheme!r}; use {_SCHEMES}")


def _local(path: Path, home: Path | None) -> ObjectStore:
    from ledgerstore.objectstore.local import LocalStore

    if str(path) in {"", "."} and home is None:
        raise ConfigurationError("an empty path is not an object store location")
    base = home if home is not None else Path.cwd()
    return LocalStore(Path(os.path.abspath(base / path.expanduser())))

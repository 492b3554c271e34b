"""The object store interface every backend implements, and the record a write returns.

A store holds immutable objects under keys relative to its root (a directory, a bucket prefix or
a dictionary). Writes are create-only: `put_once` never replaces an existing object, and an
interrupted write never leaves a partial object visible under its key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, Protocol, runtime_checkable

from ledgerstore.errors import ObjectNotFoundError

#: What `put_once` accepts: the whole content, a readable binary file, or chunks of bytes.
PutData = bytes | BinaryIO | Iterable[bytes]


@dataclass(frozen=True, slots=True, kw_only=True)
class ObjectInfo:
    """What was stored: the key, its size in bytes and the hex sha256 of its content."""

    key: str
    size: int
    sha256: str


@runtime_checkable
class ObjectStore(Protocol):
    """A flat namespace of write-once objects addressed by validated keys.

    Every method validates its key first and raises `InvalidKeyError` for a malformed one, so
    no key can reach outside the store's root. Failures are `ObjectStoreError` subclasses.
    """

    @property
    def url(self) -> str:
        """The store's URL for display; it never contains credentials."""
        ...

    def put_once(self, key: str, data: PutData) -> ObjectInfo:
        """Create the object at `key`, or raise `ObjectExistsError` if one is already there."""
        ...

    def open(self, key: str) -> BinaryIO:
        """Open the object for streaming reads; `ObjectNotFoundError` if it does not exist."""
        ...

    def read_bytes(self, key: str) -> bytes:
        """Return the whole object; `ObjectNotFoundError` if it does not exist."""
        ...

    def exists(self, key: str) -> bool:
        """Say whether an object exists at `key`."""
        ...

    def size(self, key: str) -> int:
        """Return the object's size in bytes; `ObjectNotFoundError` if it does not exist."""
        ...

    def list(self, prefix: str = "") -> Iterator[str]:
        """Yield, sorted, the keys that start with `prefix` (a plain string prefix)."""
        ...

    def delete(self, key: str) -> None:
        """Remove the object; `ObjectNotFoundError` if it does not exist."""
        ...


@runtime_checkable
class LeavesPartials(Protocol):
    """A store whose interrupted writes can leave temporary files behind (a local directory).

    Cloud stores never show an unfinished upload, so only some stores implement this;
    `ledgerstore verify` reports and removes what a killed writer left.
    """

    def partial_files(self, *, older_than: float) -> tuple[str, ...]:
        """Paths, relative to the store's root, of temporary files older than `older_than` seconds."""
        ...

    def remove_partial_files(self, *, older_than: float) -> tuple[str, ...]:
        """Delete those files and return their relative paths."""
        ...


def holds_content(store: ObjectStore, info: ObjectInfo) -> bool:
    """Say whether `store` holds exactly the content `info` describes (size and sha256).

    Used when a retried create finds the key taken: the taker may be our own earlier attempt
    whose success reply was lost, and an identical object means the write did happen.
    """
    try:
        if store.size(info.key) != info.size:
            return False
        digest = hashlib.sha256()
        with store.open(info.key) as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
    except ObjectNotFoundError:
        return False
    return digest.hexdigest() == info.sha256

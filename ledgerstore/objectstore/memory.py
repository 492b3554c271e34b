"""A thread-safe in-memory store, for tests and for users' tests.

Each instance is its own namespace: there is no process-wide registry, so two stores never
share objects by accident. Pass the instance around to share it.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from typing import BinaryIO

from ledgerstore.errors import ObjectExistsError, ObjectNotFoundError
from ledgerstore.objectstore.base import ObjectInfo, PutData
from ledgerstore.objectstore.keys import shown, validate_key, validate_prefix
from ledgerstore.objectstore.streams import ContentDigest, iter_chunks


class MemoryStore:
    """Objects in a dict guarded by a lock; `name` only shows in the URL."""

    def __init__(self, name: str = "") -> None:
        self.url = f"memory://{name}"
        self._objects: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"MemoryStore({self.url!r})"

    def put_once(self, key: str, data: PutData) -> ObjectInfo:
        """Collect the data, then insert it under the lock only if the key is free."""
        validate_key(key)
        digest = ContentDigest()
        content = b"".join(digest.track(iter_chunks(data)))
        with self._lock:
            if key in self._objects:
                raise ObjectExistsError(f"object {shown(key)} already exists in {self.url}", key=key)
            self._objects[key] = content
        return digest.info(key)

    def open(self, key: str) -> BinaryIO:
        """A reader over the object's bytes."""
        return io.BytesIO(self.read_bytes(key))

    def read_bytes(self, key: str) -> bytes:
        """Return the object's bytes."""
        validate_key(key)
        with self._lock:
            content = self._objects.get(key)
        if content is None:
            raise self._not_found(key)
        return content

    def exists(self, key: str) -> bool:
        """Say whether the key is present."""
        validate_key(key)
        with self._lock:
            return key in self._objects

    def size(self, key: str) -> int:
        """Return the object's length (no read of its bytes, as a remote store's HEAD)."""
        validate_key(key)
        with self._lock:
            if key not in self._objects:
                raise self._not_found(key)
            return len(self._objects[key])

    def list(self, prefix: str = "") -> Iterator[str]:
        """Yield the sorted keys starting with `prefix` (a snapshot taken at the call)."""
        validate_prefix(prefix)
        with self._lock:
            return iter(sorted(k for k in self._objects if k.startswith(prefix)))

    def delete(self, key: str) -> None:
        """Remove the object."""
        validate_key(key)
        with self._lock:
            if self._objects.pop(key, None) is None:
                raise self._not_found(key)

    def _not_found(self, key: str) -> ObjectNotFoundError:
        return ObjectNotFoundError(f"no object {shown(key)} in {self.url}", key=key)

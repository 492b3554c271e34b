"""Byte streams shared by the backends: chunking input, hashing it, and ranged reads."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO, cast

from ledgerstore.errors import ObjectStoreError
from ledgerstore.objectstore.base import ObjectInfo, PutData

CHUNK_SIZE = 1 << 20


def iter_chunks(data: PutData, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """Yield `data` as non-empty byte chunks, reading a file object `chunk_size` at a time.

    A `str` (or any non-bytes chunk) is a `TypeError`: objects are bytes, and guessing an
    encoding here would change what gets stored.
    """
    if isinstance(data, bytes | bytearray | memoryview):
        if len(data):
            yield bytes(data)
        return
    if hasattr(data, "read"):
        yield from _read_file(cast(BinaryIO, data), chunk_size)
        return
    yield from _checked(data)


def _read_file(stream: BinaryIO, chunk_size: int) -> Iterator[bytes]:
    while chunk := stream.read(chunk_size):
        if not isinstance(chunk, bytes):
            raise TypeError(f"put_once needs a binary file; read() returned {type(chunk).__name__}")
        yield chunk


def _checked(chunks: Iterable[bytes]) -> Iterator[bytes]:
    for chunk in chunks:
        if not isinstance(chunk, bytes | bytearray | memoryview):
            raise TypeError(f"put_once chunks must be bytes, not {type(chunk).__name__}")
        if len(chunk):
            yield bytes(chunk)


class ContentDigest:
    """Running size and sha256 of the bytes written so far."""

    def __init__(self) -> None:
        self._sha256 = hashlib.sha256()
        self._size = 0

    def update(self, chunk: bytes) -> bytes:
        """Account for `chunk` and return it, so it can sit inside a pipeline."""
        self._sha256.update(chunk)
        self._size += len(chunk)
        return chunk

    def track(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        """Yield `chunks` unchanged while accounting for each."""
        for chunk in chunks:
            yield self.update(chunk)

    def info(self, key: str) -> ObjectInfo:
        """The `ObjectInfo` of everything accounted for."""
        return ObjectInfo(key=key, size=self._size, sha256=self._sha256.hexdigest())


def regroup(chunks: Iterable[bytes], size: int) -> Iterator[bytes]:
    """Yield the bytes of `chunks` in pieces of exactly `size` bytes, the last one shorter."""
    buffer = bytearray()
    for chunk in chunks:
        buffer += chunk
        while len(buffer) >= size:
            yield bytes(buffer[:size])
            del buffer[:size]
    if buffer:
        yield bytes(buffer)


#: Fetches bytes [start, end) of an object; the backend supplies retries and error translation.
RangeFetcher = Callable[[int, int], bytes]


class RangedReader(io.RawIOBase):
    """A raw, forward-only reader over an object of known size, fetched a range at a time."""

    def __init__(self, fetch: RangeFetcher, size: int, block_size: int) -> None:
        super().__init__()
        self._fetch = fetch
        self._size = size
        self._block_size = block_size
        self._position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        wanted = min(len(buffer), self._size - self._position)
        if wanted <= 0:
            return 0
        data = self._next(wanted)
        buffer[: len(data)] = data
        return len(data)

    def readall(self) -> bytes:
        # RawIOBase.readall would fetch 8 KiB ranges; fetch whole blocks instead.
        parts = []
        while self._position < self._size:
            parts.append(self._next(min(self._block_size, self._size - self._position)))
        return b"".join(parts)

    def _next(self, wanted: int) -> bytes:
        data = self._fetch(self._position, self._position + wanted)
        if not data:
            raise ObjectStoreError(f"object ended at byte {self._position} of {self._size}")
        self._position += len(data)
        return data


def open_ranged(fetch: RangeFetcher, size: int, block_size: int) -> BinaryIO:
    """A buffered binary reader fetching `block_size` bytes per request."""
    return io.BufferedReader(RangedReader(fetch, size, block_size), buffer_size=block_size)

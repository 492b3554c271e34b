"""Freezing record sets as write-once artifacts, and reading them back only when verified.

Each function takes the codec of the artifact's format version (default: format 1); callers
find it in a `CodecRegistry` (`ledgerstore.artifacts.formats.DEFAULT_CODECS`).
"""

from __future__ import annotations

import hashlib
import io
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import Any, BinaryIO

from ledgerstore.artifacts.codec import ArtifactCodec
from ledgerstore.artifacts.format_v1 import V1
from ledgerstore.errors import (
    ArtifactConflictError,
    ArtifactFormatError,
    ArtifactIntegrityError,
    ObjectExistsError,
)
from ledgerstore.objectstore.base import ObjectInfo, ObjectStore
from ledgerstore.summary import RecordSummary, SummaryBuilder, summarize
from normalizer.record import Record

#: Artifacts up to this size are verified in memory; larger ones spill to a temporary file.
_SPOOL_IN_MEMORY = 32 << 20


@dataclass(frozen=True, slots=True, kw_only=True)
class FrozenArtifact:
    """An artifact in the store and the summary of the records it holds."""

    info: ObjectInfo
    summary: RecordSummary
    format_version: int


def freeze(
    store: ObjectStore,
    ledger_file_id: int,
    records: Callable[[], Iterable[Record]],
    codec: ArtifactCodec = V1,
) -> FrozenArtifact:
    """Write the ledger's artifact once; adopt an identical one that is already there.

    `records` is called to get the records (again, if an artifact already exists and must be
    compared). An existing artifact with other records is never overwritten:
    `ArtifactConflictError`.
    """
    key = codec.key(ledger_file_id)
    encoder = codec.writer(records())
    try:
        info = store.put_once(key, encoder.chunks())
    except ObjectExistsError:
        # Our own earlier attempt (crashed before it was recorded), or a concurrent freezer.
        try:
            existing = inspect_artifact(store, key, codec)
        except ArtifactFormatError as exc:
            raise ArtifactConflictError(ledger_file_id, key) from exc  # a damaged object holds the key
        ours = encoder.summary if encoder.summary is not None else summarize(records())
        if existing.summary.records_sha256 != ours.records_sha256:
            raise ArtifactConflictError(ledger_file_id, key) from None
        return existing
    assert encoder.summary is not None
    return FrozenArtifact(info=info, summary=encoder.summary, format_version=codec.version)


class _HashingReader(io.RawIOBase):
    """Reads through a stream while hashing and counting what passes."""

    def __init__(self, stream: BinaryIO) -> None:
        super().__init__()
        self._stream = stream
        self.sha256 = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._stream.read(len(buffer))
        self.sha256.update(data)
        self.size += len(data)
        buffer[: len(data)] = data
        return len(data)


def inspect_artifact(store: ObjectStore, key: str, codec: ArtifactCodec = V1) -> FrozenArtifact:
    """Read an artifact through once: its byte checksum and the summary of its records."""
    builder = SummaryBuilder()
    with store.open(key) as stream:
        reader = _HashingReader(stream)
        for batch in codec.batches(reader):  # type: ignore[arg-type]
            builder.add_lines(batch.lines, len(batch.records), batch.debit_total, batch.credit_total)
        reader.read()  # anything after the gzip member still counts toward the checksum
    info = ObjectInfo(key=key, size=reader.size, sha256=reader.sha256.hexdigest())
    return FrozenArtifact(info=info, summary=builder.summary(), format_version=codec.version)


def read_verified(
    store: ObjectStore,
    ledger_file_id: int,
    expected: ObjectInfo,
    summary: RecordSummary | None,
    codec: ArtifactCodec = V1,
) -> Iterator[Record]:
    """The artifact's records, served only after its bytes match `expected` (size and sha256).

    The object is read once into a spool (memory, or a temporary file when large) while being
    hashed; nothing is yielded unless the checksum matches. The record count, totals and records
    sha256 are checked again at the end against `summary`. Raises `ArtifactIntegrityError`.
    """
    # Batches are flattened in C: no Python frame is resumed per record.
    return chain.from_iterable(_verified_batches(store, ledger_file_id, expected, summary, codec))


def _verified_batches(
    store: ObjectStore,
    ledger_file_id: int,
    expected: ObjectInfo,
    summary: RecordSummary | None,
    codec: ArtifactCodec,
) -> Iterator[list[Record]]:
    with tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY) as spool:
        with store.open(expected.key) as stream:
            reader = _HashingReader(stream)
            shutil.copyfileobj(reader, spool, 1 << 20)
        if reader.size != expected.size or reader.sha256.hexdigest() != expected.sha256:
            raise ArtifactIntegrityError(
                ledger_file_id,
                "artifact_checksum",
                f"{expected.key} has sha256 {reader.sha256.hexdigest()} and {reader.size} bytes;"
                f" expected {expected.sha256} and {expected.size} bytes",
            )
        spool.seek(0)
        builder = SummaryBuilder()
        try:
            # The bytes are verified: the stored lines are the records' canonical lines already,
            # so the records sha256 is taken over them as they stand, once, without re-encoding.
            for batch in codec.batches(spool):  # type: ignore[arg-type]
                builder.add_lines(batch.lines, len(batch.records), batch.debit_total, batch.credit_total)
                yield batch.records
        except ArtifactFormatError as exc:
            raise ArtifactIntegrityError(ledger_file_id, "artifact_checksum", str(exc)) from exc
    got = builder.summary()
    if summary is not None and got != summary:
        raise ArtifactIntegrityError(
            ledger_file_id,
            "artifact_count",
            f"{expected.key} holds {got.count} records (sha256 {got.records_sha256});"
            f" expected {summary.count} (sha256 {summary.records_sha256})",
        )

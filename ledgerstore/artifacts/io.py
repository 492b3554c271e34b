"""Freezing record sets as write-once artifacts, and reading them back only when verified.

Each function takes the codec of the artifact's format version (default: format 1); callers
find it in a `CodecRegistry` (`ledgerstore.artifacts.formats.DEFAULT_CODECS`).
"""

from __future__ import annotations

import hashlib
import io
import queue
import shutil
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain
from operator import attrgetter
from typing import TYPE_CHECKING, Any, BinaryIO

from ledgerstore.artifacts.codec import ArtifactCodec, LineBlock, LineBlockReader, LineChunkReader
from ledgerstore.artifacts.format_v1 import V1
from ledgerstore.concurrency import prompt_thread_switches
from ledgerstore.errors import (
    ArtifactConflictError,
    ArtifactFormatError,
    ArtifactIntegrityError,
    ObjectExistsError,
)
from ledgerstore.objectstore.base import ObjectInfo, ObjectStore
from ledgerstore.summary import RecordSummary, SummaryBuilder, summarize
from normalizer.canonical import RecordDigest
from normalizer.record import Record

if TYPE_CHECKING:
    import pyarrow as pa

#: Artifacts up to this size are verified in memory; larger ones spill to a temporary file.
_SPOOL_IN_MEMORY = 64 << 20
#: Chunks of lines decompressed ahead of the parsers (~10 MB each): bounds the memory.
_CHUNKS_IN_FLIGHT = 3
#: Threads parsing chunks of lines into columns (the machines here have 2 cores).
_PARSERS = 2
#: Blocks of lines (~5 MB each) the reader thread may have ready ahead of their consumer.
_BLOCKS_AHEAD = 2
_ZERO = Decimal(0)
_DEBIT = attrgetter("debit")
_CREDIT = attrgetter("credit")


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

    def batches() -> Iterator[list[Record]]:
        artifact = fetch_verified(store, ledger_file_id, expected, summary, codec)
        yield from artifact.record_batches()

    # Batches are flattened in C: no Python frame is resumed per record.
    return chain.from_iterable(batches())


def fetch_verified(
    store: ObjectStore,
    ledger_file_id: int,
    expected: ObjectInfo,
    summary: RecordSummary | None,
    codec: ArtifactCodec = V1,
) -> VerifiedArtifact:
    """The artifact's bytes, fetched once into a spool and checked against `expected`.

    Raises `ArtifactIntegrityError` (kind `artifact_checksum`) unless the size and sha256 match,
    `ObjectNotFoundError` when the object is gone. Read the result once, as records or columns.
    """
    # Closed by the VerifiedArtifact handed out (or here, on failure).
    spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)  # noqa: SIM115
    try:
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
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return VerifiedArtifact(spool, ledger_file_id, expected, summary, codec)  # type: ignore[arg-type]


class VerifiedArtifact:
    """An artifact's bytes whose checksum matched, read once: as records or as Arrow columns.

    Either way the count, control totals and records sha256 of what is read are checked against
    the recorded summary: at the end of the record stream, and before `table()` returns.
    The stored lines are the records' canonical lines already, so the records sha256 is taken
    over them as they stand, once, without encoding any record again.
    """

    def __init__(
        self,
        spool: BinaryIO,
        ledger_file_id: int,
        expected: ObjectInfo,
        summary: RecordSummary | None,
        codec: ArtifactCodec,
    ) -> None:
        self._spool = spool
        self._ledger_file_id = ledger_file_id
        self._expected = expected
        self._summary = summary
        self._codec = codec

    def record_batches(self) -> Iterator[list[Record]]:
        """The records, a batch at a time; `ArtifactIntegrityError` at the end on a mismatch."""
        codec = self._codec
        if not isinstance(codec, LineBlockReader):
            yield from self._decoded_batches()
            return
        digest = RecordDigest()
        count, debit, credit = 0, _ZERO, _ZERO
        decode = codec.block_records()
        with self._spool:
            try:
                # The reader thread decompresses, finds the lines and hashes them (all without
                # the GIL) while this one builds the records of the block before.
                with (
                    prompt_thread_switches(),
                    closing(_read_ahead(codec.line_blocks(self._spool), digest, keep_lines=False)) as blocks,
                ):
                    for block in blocks:
                        built = 0
                        for records in decode(block.stored):
                            built += len(records)
                            debit += sum(map(_DEBIT, records), _ZERO)
                            credit += sum(map(_CREDIT, records), _ZERO)
                            yield records
                        if built != block.count:
                            raise ArtifactFormatError(
                                "the artifact holds a malformed record: not one record per line"
                            )
                        count += built
            except ArtifactFormatError as exc:
                raise self._damaged(exc) from exc
        self._check(
            RecordSummary(
                count=count, debit_total=debit, credit_total=credit, records_sha256=digest.hexdigest()
            )
        )

    def _decoded_batches(self) -> Iterator[list[Record]]:
        """`record_batches` through the codec's `batches` (a codec without `line_blocks`)."""
        builder = SummaryBuilder()
        with self._spool:
            try:
                for batch in self._codec.batches(self._spool):
                    builder.add_lines(batch.lines, len(batch.records), batch.debit_total, batch.credit_total)
                    yield batch.records
            except ArtifactFormatError as exc:
                raise self._damaged(exc) from exc
        self._check(builder.summary())

    def table(self, columns: Sequence[str] | None = None) -> pa.Table:
        """The records as one Arrow table of `columns` (see `ledgerstore.artifacts.columns`).

        Nothing is returned unless the count, totals and records sha256 match the summary.
        """
        from ledgerstore.artifacts.columns import LinesDecoder

        with self._spool:
            decoder = LinesDecoder(columns)
            digest = RecordDigest()
            try:
                # The lines are hashed as they are read (in a reader thread when the codec reads
                # blocks ahead) while the workers parse the chunks before (pyarrow drops the GIL);
                # their tables are kept in order.
                with (
                    ThreadPoolExecutor(max_workers=_PARSERS) as workers,
                    closing(self._lines(digest)) as chunks,
                ):
                    parsing: deque[Future[pa.Table]] = deque()
                    for lines in chunks:
                        parsing.append(workers.submit(decoder.parse, lines))
                        while parsing and (parsing[0].done() or len(parsing) > _CHUNKS_IN_FLIGHT):
                            decoder.append(parsing.popleft().result())
                    while parsing:
                        decoder.append(parsing.popleft().result())
                table, debit, credit = decoder.table()
            except ArtifactFormatError as exc:
                raise self._damaged(exc) from exc
        digest.update_lines(b"", decoder.count)  # the lines were hashed as they came, uncounted
        self._check(
            RecordSummary(
                count=decoder.count,
                debit_total=debit,
                credit_total=credit,
                records_sha256=digest.hexdigest(),
            )
        )
        return table

    def _lines(self, digest: RecordDigest) -> Generator[bytes | memoryview, None, None]:
        """The canonical lines in chunks, each hashed into `digest` (uncounted) before it is yielded.

        Read ahead in a thread when the codec reads blocks; else its own line reader, else its
        batches' lines.
        """
        codec = self._codec
        if isinstance(codec, LineBlockReader):
            with closing(_read_ahead(codec.line_blocks(self._spool), digest)) as blocks:
                for block in blocks:
                    yield block.lines
            return
        chunks: Iterable[bytes | memoryview]
        if isinstance(codec, LineChunkReader):
            chunks = codec.line_chunks(self._spool)
        else:
            chunks = (batch.lines for batch in codec.batches(self._spool))
        for lines in chunks:
            digest.update_lines(lines, 0)
            yield lines

    def close(self) -> None:
        self._spool.close()

    def _damaged(self, exc: ArtifactFormatError) -> ArtifactIntegrityError:
        return ArtifactIntegrityError(self._ledger_file_id, "artifact_checksum", str(exc))

    def _check(self, got: RecordSummary) -> None:
        summary = self._summary
        if summary is not None and got != summary:
            raise ArtifactIntegrityError(
                self._ledger_file_id,
                "artifact_count",
                f"{self._expected.key} holds {got.count} records (sha256 {got.records_sha256});"
                f" expected {summary.count} (sha256 {summary.records_sha256})",
            )


class _Failed:
    """What the reader thread hands on instead of a block when reading failed."""

    __slots__ = ("error",)

    def __init__(self, error: BaseException) -> None:
        self.error = error


_DONE = object()
_NO_LINES = memoryview(b"")


def _read_ahead(
    blocks: Iterator[LineBlock], digest: RecordDigest, *, keep_lines: bool = True
) -> Generator[LineBlock, None, None]:
    """`blocks`, produced and hashed (their lines into `digest`, uncounted) in a thread of its own.

    At most `_BLOCKS_AHEAD` blocks wait; an error of the reader is raised here, at the point of
    the stream it happened. Closing this generator stops the thread and waits for it. Without
    `keep_lines` the blocks handed on hold their stored lines only (the record stream needs no
    more once the lines are hashed; the memory is freed a block earlier).
    """
    handoff: queue.Queue[object] = queue.Queue(maxsize=_BLOCKS_AHEAD)
    stop = threading.Event()

    def hand_on(item: object) -> bool:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def run() -> None:
        try:
            for block in blocks:
                digest.update_lines(block.lines, 0)
                handed = (
                    block
                    if keep_lines
                    else LineBlock(stored=block.stored, lines=_NO_LINES, count=block.count)
                )
                if not hand_on(handed):
                    return
        except BaseException as exc:  # handed to the consumer, raised there
            hand_on(_Failed(exc))
        else:
            hand_on(_DONE)
        finally:
            close = getattr(blocks, "close", None)
            if close is not None:
                close()

    reader = threading.Thread(target=run, name="artifact-reader", daemon=True)
    reader.start()
    try:
        while (item := handoff.get()) is not _DONE:
            if isinstance(item, _Failed):
                raise item.error
            assert isinstance(item, LineBlock)
            yield item
    finally:
        stop.set()
        reader.join()

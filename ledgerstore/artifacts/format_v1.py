"""Artifact format 1: gzip of a canonical JSON array of records, one record per line.

    [
    {"ledger_file_id":1,"row_number":2,...},
    {"ledger_file_id":1,"row_number":3,...}
    ]

Standard tools read it (`zcat f.json.gz | jq`), and it streams with bounded memory both ways.
The bytes are canonical: same records, same bytes (canonical record JSON, gzip header with
`mtime=0` and no file name, fixed compression level). Encoding and decoding are pure: no I/O
beyond the streams handed in. Every artifact written before format versions were recorded is
in this format: what it writes never changes (`fixtures/artifacts/` holds the proof).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
from collections.abc import Callable, Iterable, Iterator
from dataclasses import make_dataclass
from decimal import Decimal
from operator import attrgetter
from types import MappingProxyType
from typing import Any, BinaryIO, cast

import msgspec
from isal import igzip, igzip_lib, isal_zlib

from ledgerstore.artifacts.codec import LineBlock, RecordBatch
from ledgerstore.artifacts.keys import artifact_key
from ledgerstore.errors import ArtifactFormatError
from ledgerstore.summary import RecordSummary, SummaryBuilder
from normalizer.canonical import CanonicalRecords, record_to_json
from normalizer.record import RECORD_SCHEMA, Record

#: isal level 1: ~9x faster than zlib level 9 for ~1.4x the size (see docs/performance).
COMPRESS_LEVEL = 1
_CHUNK = 1 << 20

# isal's stubs do not declare IsalError an exception class; it is one (an Exception subclass).
_GZIP_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    cast(type[Exception], igzip_lib.IsalError),
)


class _Sink(io.RawIOBase):
    """Collects what gzip writes so it can be handed on in chunks."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[bytes] = []
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.parts.append(bytes(data))
        self.size += len(data)
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        self.size = 0
        return data


class ArtifactEncoder:
    """Encodes records into artifact bytes, chunk by chunk; `summary` is set once exhausted."""

    def __init__(self, records: Iterable[Record]) -> None:
        self._records = records
        self.summary: RecordSummary | None = None

    def chunks(self) -> Iterator[bytes]:
        """Compressed artifact bytes, in chunks of about a megabyte."""
        sink = _Sink()
        builder = SummaryBuilder()
        canonical: RecordSummary | None = None
        with igzip.GzipFile(
            filename="", mode="wb", fileobj=sink, compresslevel=COMPRESS_LEVEL, mtime=0
        ) as gz:
            gz.write(b"[\n")
            separator = b""
            if isinstance(self._records, CanonicalRecords):
                # Columnar records (normalizer.fast): canonical lines a batch at a time, no Record
                # built. Their pass hashes the very lines written here: that digest is the summary
                # (hashing 300 MB of lines twice cost ~0.4 s).
                records = self._records
                for batch in records.canonical_batches():
                    body = batch.lines.tobytes().replace(b"\n", b",\n")
                    gz.write(separator)
                    gz.write(memoryview(body)[:-2])
                    separator = b",\n"
                    if sink.size >= _CHUNK:
                        yield sink.take()
                sha256, count, debit, credit = records.canonical_digest()
                canonical = RecordSummary(
                    count=count, debit_total=debit, credit_total=credit, records_sha256=sha256
                )
                self._records = ()
            for record in self._records:
                line = record_to_json(record)
                builder.add(record, line + b"\n")
                gz.write(separator + line)
                separator = b",\n"
                if sink.size >= _CHUNK:
                    yield sink.take()
            gz.write(b"\n]\n" if separator else b"]\n")
        self.summary = canonical or builder.summary()
        yield sink.take()


def encode_artifact(records: Iterable[Record]) -> tuple[bytes, RecordSummary]:
    """The whole artifact in memory (small record sets and tests)."""
    encoder = ArtifactEncoder(records)
    data = b"".join(encoder.chunks())
    assert encoder.summary is not None
    return data, encoder.summary


def decode_artifact(stream: BinaryIO) -> Iterator[Record]:
    """Records from an artifact's compressed bytes, streamed with bounded memory.

    Raises `ArtifactFormatError` on anything that is not a complete, well-formed artifact.
    """
    for batch in decode_artifact_batches(stream):
        yield from batch.records


def decode_artifact_batches(stream: BinaryIO) -> Iterator[RecordBatch]:
    """The artifact's records some fifty at a time, each batch with its lines and totals.

    For readers that summarize what they serve (records sha256, totals) without encoding the
    records again. Raises `ArtifactFormatError` as `decode_artifact` does.
    """
    decoder = _BatchDecoder()
    try:
        with igzip.GzipFile(fileobj=stream, mode="rb") as gz:
            for chunk in _line_chunks(gz):
                yield decoder.batch(chunk)
    except _GZIP_ERRORS as exc:
        raise ArtifactFormatError(f"the artifact is not valid gzip: {exc}") from exc


def decode_artifact_lines(stream: BinaryIO) -> Iterator[memoryview]:
    """The records' canonical JSON Lines (each ending in a newline), several megabytes at a time.

    What the records sha256 is taken over, and what the columnar reader parses
    (`ledgerstore.artifacts.columns`): no record is built. Raises `ArtifactFormatError` as
    `decode_artifact_blocks` does; a malformed line is left to the parser and the records sha256.
    """
    for block in decode_artifact_blocks(stream):
        yield block.lines


def decode_artifact_blocks(stream: BinaryIO) -> Iterator[LineBlock]:
    """The record lines as stored, whole lines several megabytes at a time, with their canonical lines.

    In the stored layout the only raw newlines end records (JSON escapes them in strings), each
    after `}` and a comma but for the last, so dropping the comma before every newline gives the
    canonical lines. Each decompressed block is copied once (joined to the line it completes);
    decompressing and dropping the commas run without the GIL. Raises `ArtifactFormatError` on
    anything that is not one complete artifact (gzip stream complete, nothing after it, `[`
    first, `]` last); a malformed line is left to the parser and the records sha256.
    """
    decompressor = isal_zlib.decompressobj(wbits=_GZIP_WBITS)
    tail = b""  # decompressed, not yet handed on: the opening bracket, then the start of a line
    started = False
    try:
        while compressed := stream.read(_COMPRESSED_READ):  # until the gzip stream ends (break)
            out = decompressor.decompress(compressed)
            if not started:
                out, tail = tail + out, b""
                if len(out) < 2 and not decompressor.eof:
                    tail = out
                    continue
                if not out.startswith(b"[\n"):
                    raise ArtifactFormatError("the artifact does not start with '['")
                out, started = out[2:], True
            if decompressor.eof:
                yield from _last_blocks(tail + out)
                tail = b""
                break
            cut = out.rfind(b"\n") + 1
            if not cut:
                tail += out
                continue
            yield _drop_line_commas(b"".join((tail, memoryview(out)[:cut])))
            tail = out[cut:]
        rest = stream.read()
    except _GZIP_ERRORS as exc:
        raise ArtifactFormatError(f"the artifact is not valid gzip: {exc}") from exc
    if not decompressor.eof:
        raise ArtifactFormatError("the artifact is truncated: its gzip stream does not end")
    if decompressor.unused_data or rest:
        raise ArtifactFormatError("the artifact has data after its gzip stream")


def _last_blocks(text: bytes) -> Iterator[LineBlock]:
    """The lines of the artifact's last decompressed bytes, which must end with the closing `]`."""
    if text == b"]\n":
        return
    if not text.endswith(b"\n]\n"):
        if text.startswith(b"]\n") or b"\n]\n" in text:
            raise ArtifactFormatError("the artifact has data after its closing ']'")
        raise ArtifactFormatError("the artifact is truncated: no closing ']'")
    yield _drop_line_commas(text[:-2])


def _drop_line_commas(stored: bytes) -> LineBlock:
    """Whole stored lines and their canonical lines (no comma before each newline), counted.

    In C without the GIL (pyarrow): ~2.5x faster than `bytes.replace` here, and it runs while
    other threads parse or build records.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    # One value spanning the buffer, built from its buffers: converting Python objects to Arrow
    # would import pandas (pyarrow checks for its types), a quarter of a second of start-up.
    offsets = pa.py_buffer(struct.pack("<qq", 0, len(stored)))
    array = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(stored)])
    lines = memoryview(pc.replace_substring(array, ",\n", "\n")[0].as_buffer())
    # Every line ends with the comma dropped but the artifact's last (which ends the block it is
    # in): lines of another shape show in the parse, the count of records or the records sha256.
    count = len(stored) - len(lines) + (0 if stored.endswith(b",\n") or not stored else 1)
    return LineBlock(stored=stored, lines=lines, count=count)


def _line_chunks(gz: igzip.GzipFile, read_size: int = 0) -> Iterator[bytes]:
    """The record lines between the opening and closing bracket lines, in chunks of whole lines."""
    if gz.read(2) != b"[\n":
        raise ArtifactFormatError("the artifact does not start with '['")
    read_size = read_size or _READ
    pending = b""  # whole lines held back until we know whether the closing bracket ends them
    buffer = bytearray()
    while block := gz.read(read_size):
        buffer += block
        cut = buffer.rfind(b"\n") + 1
        if cut:
            if pending:
                yield pending
            pending = bytes(buffer[:cut])
            del buffer[:cut]
    if buffer or not (pending == b"]\n" or pending.endswith(b"\n]\n")):
        if pending.startswith(b"]\n") or b"\n]\n" in pending:
            raise ArtifactFormatError("the artifact has data after its closing ']'")
        raise ArtifactFormatError("the artifact is truncated: no closing ']'")
    if len(pending) > 2:
        yield pending[:-2]


#: Decompressed bytes read at a time (~50 records). Small batches stay in the CPU cache, and few
#: objects are alive when the cyclic GC runs, so it does not promote and re-scan them: 64 KiB
#: batches read a million records ~30% slower.
_READ = 16 << 10
#: Compressed bytes the columnar reader decompresses at a time (~5 MB of lines): buffers of this
#: size are reused by the allocator; 1 MiB (~10 MB of lines) cost ~0.3 s more in page faults.
_COMPRESSED_READ = 512 << 10
_GZIP_WBITS = 31  # a gzip member, header and trailer checked
#: Each canonical line ends its record and its attributes object: `}}`, then `,` but for the last.
_LINE_END = re.compile(rb"}},?\n")


class _BatchDecoder:
    """Builds records from chunks of canonical lines."""

    __slots__ = ()

    def batch(self, chunk: bytes) -> RecordBatch:
        lines, count = _LINE_END.subn(b"}}\n", chunk)
        body = chunk[:-2] if chunk.endswith(b",\n") else chunk
        try:
            records = self._records(b"[" + body + b"]")
        except _MALFORMED as exc:
            if chunk.startswith(b"]\n") or b"\n]\n" in chunk:
                raise ArtifactFormatError("the artifact has data after its closing ']'") from exc
            raise ArtifactFormatError(f"the artifact holds a malformed record: {exc}") from exc
        if len(records) != count:
            raise ArtifactFormatError("the artifact holds a malformed record: not one record per line")
        return RecordBatch(
            records=records,
            lines=lines,
            debit_total=sum(map(_DEBIT, records), _ZERO),
            credit_total=sum(map(_CREDIT, records), _ZERO),
        )

    def block_records(self, stored: bytes) -> Iterator[list[Record]]:
        """Records from whole stored lines (`decode_artifact_blocks`), some fifty at a time.

        The caller compares their number with the block's line count. Each batch is parsed as
        one JSON array straight from the stored bytes (their commas are the array's).
        """
        view = memoryview(stored)
        find = stored.find
        start, size = 0, len(stored)
        while start < size:
            end = find(b"\n", start + _READ) + 1 or size
            stop = end - 2 if stored[end - 2 : end] == b",\n" else end - 1
            try:
                records = self._records(b"".join((b"[", view[start:stop], b"]")))
            except _MALFORMED as exc:
                raise ArtifactFormatError(f"the artifact holds a malformed record: {exc}") from exc
            yield records
            start = end

    def _records(self, array: bytes) -> list[Record]:
        """Records from a JSON array of canonical objects: our own encoding, so built without re-checks.

        msgspec parses the array straight into record-shaped objects (dates included, in C)
        and checks every field is there with its type: an amount must be a JSON string, never
        a number. Each is then sealed into a `Record` in place, its amounts made Decimals.
        """
        stored: list[Any] = _STORED_RECORDS.decode(array)
        for draft in stored:  # once per record: everything inlined, no call but the parsers
            draft.debit = Decimal(draft.debit)
            draft.credit = Decimal(draft.credit)
            draft.attributes = MappingProxyType(draft.attributes)
            draft.__class__ = Record  # sealed (see RecordDraft)
        return stored


#: How format 1 stores each kind of field (`normalizer.record.FieldKind`): money as its text.
_STORED_TYPES: dict[str, Any] = {
    "id": int | None,  # None only before a record is stored, as `Record` allows
    "integer": int,
    "date": dt.date,
    "text": str,
    "money": str,
    "mapping": dict[str, str],
}
#: A record as msgspec decodes format 1's JSON, derived from `RECORD_SCHEMA`: `Record`'s slots
#: in `Record`'s order (a test checks), so a decoded one is sealed into a `Record` in place once
#: its amounts are Decimals (see `RecordDraft`). Every field is required, of its kind's type.
_StoredRecord: Any = make_dataclass(
    "_StoredRecord",
    [
        (spec.name, _STORED_TYPES[spec.kind] | None if spec.nullable else _STORED_TYPES[spec.kind])
        for spec in RECORD_SCHEMA
    ],
    slots=True,
)
_STORED_RECORDS = msgspec.json.Decoder(list[_StoredRecord])
#: What a malformed stored record raises while it is decoded.
_MALFORMED = (msgspec.DecodeError, ArithmeticError)


_ZERO = Decimal(0)
_DEBIT = attrgetter("debit")
_CREDIT = attrgetter("credit")


class V1Codec:
    """Format 1 behind the `ArtifactCodec` interface, at the key the specification fixes."""

    version = 1

    def key(self, ledger_file_id: int) -> str:
        return artifact_key(ledger_file_id)

    def writer(self, records: Iterable[Record]) -> ArtifactEncoder:
        return ArtifactEncoder(records)

    def batches(self, stream: BinaryIO) -> Iterator[RecordBatch]:
        return decode_artifact_batches(stream)

    def line_chunks(self, stream: BinaryIO) -> Iterator[memoryview]:
        return decode_artifact_lines(stream)

    def line_blocks(self, stream: BinaryIO) -> Iterator[LineBlock]:
        return decode_artifact_blocks(stream)

    def block_records(self) -> Callable[[bytes], Iterator[list[Record]]]:
        return _BatchDecoder().block_records


V1 = V1Codec()

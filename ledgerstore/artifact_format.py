"""The artifact format: gzip of a canonical JSON array of records, one record per line.

    [
    {"ledger_file_id":1,"row_number":2,...},
    {"ledger_file_id":1,"row_number":3,...}
    ]

Standard tools read it (`zcat f.json.gz | jq`), and it streams with bounded memory both ways.
The bytes are canonical: same records, same bytes (canonical record JSON, gzip header with
`mtime=0` and no file name, fixed compression level). Encoding and decoding are pure: no I/O
beyond the streams handed in.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal
from functools import lru_cache
from typing import Any, BinaryIO, cast

import orjson
from isal import igzip, igzip_lib

from ledgerstore.summary import RecordSummary, SummaryBuilder
from normalizer.canonical import record_to_json
from normalizer.record import Record, trusted_record

#: isal level 1: ~9x faster than zlib level 9 for ~1.4x the size (see docs/performance).
COMPRESS_LEVEL = 1
_CHUNK = 1 << 20

# isal's stubs do not declare IsalError an exception class; it is one (an Exception subclass).
_GZIP_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    cast(type[Exception], igzip_lib.IsalError),
)


class ArtifactFormatError(ValueError):
    """The bytes are not a well-formed artifact (truncated, corrupt, or not ours)."""


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
        with igzip.GzipFile(
            filename="", mode="wb", fileobj=sink, compresslevel=COMPRESS_LEVEL, mtime=0
        ) as gz:
            gz.write(b"[\n")
            separator = b""
            batches = getattr(self._records, "canonical_batches", None)
            if batches is not None:
                # Columnar records (normalizer.fast): canonical lines a batch at a time, no Record built.
                for batch in batches():
                    builder.add_lines(batch.lines, batch.count, batch.debit_total, batch.credit_total)
                    body = batch.lines.tobytes().replace(b"\n", b",\n")
                    gz.write(separator)
                    gz.write(memoryview(body)[:-2])
                    separator = b",\n"
                    if sink.size >= _CHUNK:
                        yield sink.take()
                self._records = ()
            for record in self._records:
                line = record_to_json(record)
                builder.add(record, line + b"\n")
                gz.write(separator + line)
                separator = b",\n"
                if sink.size >= _CHUNK:
                    yield sink.take()
            gz.write(b"\n]\n" if separator else b"]\n")
        self.summary = builder.summary()
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
    try:
        with igzip.GzipFile(fileobj=stream, mode="rb") as gz:
            yield from _decode_lines(io.BufferedReader(gz, buffer_size=_CHUNK))
    except _GZIP_ERRORS as exc:
        raise ArtifactFormatError(f"the artifact is not valid gzip: {exc}") from exc


def decode_artifact_lines(stream: BinaryIO) -> Iterator[tuple[Record, bytes]]:
    """Records with their canonical line (as stored, with a newline), for readers that have
    verified the artifact's bytes and want its records sha256 without encoding them again."""
    try:
        with igzip.GzipFile(fileobj=stream, mode="rb") as gz:
            yield from _decode_lines(io.BufferedReader(gz, buffer_size=_CHUNK), with_lines=True)
    except _GZIP_ERRORS as exc:
        raise ArtifactFormatError(f"the artifact is not valid gzip: {exc}") from exc


def _record(obj: dict[str, Any]) -> Record:
    """A record from one parsed canonical object: our own encoding, so built without re-checks."""
    posted_on = obj["posted_on"]
    debit, credit = obj["debit"], obj["credit"]
    if type(debit) is not str or type(credit) is not str:
        raise TypeError("amounts must be strings")
    return trusted_record(
        obj["ledger_file_id"],
        obj["row_number"],
        None if posted_on is None else _date(posted_on),
        obj["account"],
        obj["account_name"],
        obj["description"],
        obj["reference"],
        obj["journal"],
        Decimal(debit),
        Decimal(credit),
        obj["currency"],
        obj["attributes"],
    )


_date = lru_cache(maxsize=4096)(dt.date.fromisoformat)


def _decode_lines(lines: Iterable[bytes], *, with_lines: bool = False) -> Iterator[Any]:
    iterator = iter(lines)
    if next(iterator, b"") != b"[\n":
        raise ArtifactFormatError("the artifact does not start with '['")
    closed = False
    for line in iterator:
        if closed:
            raise ArtifactFormatError("the artifact has data after its closing ']'")
        if line == b"]\n":
            closed = True
            continue
        body = line[:-2] if line.endswith(b",\n") else line.rstrip(b"\n")
        try:
            record = _record(orjson.loads(body))
        except (orjson.JSONDecodeError, ValueError, TypeError, KeyError, ArithmeticError) as exc:
            raise ArtifactFormatError(f"the artifact holds a malformed record: {exc}") from exc
        yield (record, body + b"\n") if with_lines else record
    if not closed:
        raise ArtifactFormatError("the artifact is truncated: no closing ']'")

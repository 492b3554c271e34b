"""Artifact format versions: the codec interface, and the registry that reads every version.

An artifact's format version is recorded in two places, neither of which changes its bytes:
the database (`ledger_files.artifact_format`) and the object's key (version 1 keeps the key the
specification fixes, `ledger-artifacts/{id}.json.gz`; every later version names itself in its
key). A first header line inside the artifact would have changed the bytes, and so the sha256,
of every artifact already written; object metadata is not kept by every store nor by a copy
between stores. The writer is the registry's `writer`; every registered version stays readable.

Changing the artifact format: write a new codec module (`format_v2.py`, say) implementing
`ArtifactCodec` with the next version, register it in `DEFAULT_CODECS` and make it the writer.
Never change what an existing codec writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from types import MappingProxyType
from typing import BinaryIO, Protocol, runtime_checkable

from ledgerstore.errors import ArtifactFormatError
from ledgerstore.summary import RecordSummary
from normalizer.record import Record


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordBatch:
    """Consecutive records of an artifact, with their canonical JSON Lines and control totals.

    `lines` are the records' canonical JSON Lines (each ending in a newline): what the records
    sha256 is computed over, whatever the artifact's own layout.
    """

    records: list[Record]
    lines: bytes
    debit_total: Decimal
    credit_total: Decimal


class ArtifactWriter(Protocol):
    """Encodes one record set; `summary` is set once `chunks()` is exhausted."""

    summary: RecordSummary | None

    def chunks(self) -> Iterator[bytes]: ...


class ArtifactCodec(Protocol):
    """One artifact format version: where it is stored, how it is written and read."""

    @property
    def version(self) -> int: ...

    def key(self, ledger_file_id: int) -> str:
        """The object key of a ledger file's artifact in this version."""
        ...

    def writer(self, records: Iterable[Record]) -> ArtifactWriter:
        """An encoder of `records` into this version's bytes."""
        ...

    def batches(self, stream: BinaryIO) -> Iterator[RecordBatch]:
        """The records of an artifact in this version; `ArtifactFormatError` on bad bytes."""
        ...


@runtime_checkable
class LineChunkReader(Protocol):
    """What a codec may offer besides `ArtifactCodec`: its records' canonical lines, no record built.

    `line_chunks` yields the canonical JSON Lines (each ending in a newline) a few megabytes at a
    time; the columnar read (`VerifiedArtifact.table`) parses them into Arrow columns. A codec
    without it is read through its `batches`' lines, at the cost of building the records.
    """

    def line_chunks(self, stream: BinaryIO) -> Iterator[bytes | memoryview]: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class LineBlock:
    """Whole lines of an artifact as stored, and the same records' canonical JSON Lines.

    `stored` is what the codec's `block_records` builds records from; `lines` (each ending in a
    newline) is what the records sha256 is taken over and the columnar reader parses; `count` is
    the number of lines, which must be the number of records.
    """

    stored: bytes
    lines: memoryview
    count: int


@runtime_checkable
class LineBlockReader(Protocol):
    """What a codec may offer besides `ArtifactCodec`: its bytes in blocks, read ahead in a thread.

    `line_blocks` does the work that needs no Python objects (decompressing, finding the lines)
    and runs in a reader thread of `VerifiedArtifact`, which hashes each block's lines there;
    `block_records()` gives a function building one block's records (in batches), run by the
    consumer. A codec without it is read through its `batches`.
    """

    def line_blocks(self, stream: BinaryIO) -> Iterator[LineBlock]: ...

    def block_records(self) -> Callable[[bytes], Iterator[list[Record]]]: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class CodecRegistry:
    """Every artifact format version that can be read, and the one new artifacts are written in."""

    codecs: Mapping[int, ArtifactCodec] = field(default_factory=dict)
    writer: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "codecs", MappingProxyType(dict(self.codecs)))
        if self.writer not in self.codecs:
            raise ValueError(f"the writer, artifact format {self.writer}, is not registered")

    def codec(self, version: int | None) -> ArtifactCodec:
        """The codec of `version` (None: an artifact recorded before versions were, i.e. 1)."""
        found = self.codecs.get(1 if version is None else version)
        if found is None:
            raise ArtifactFormatError(f"artifact format {version} is unknown to this ledgerstore")
        return found

    @property
    def current(self) -> ArtifactCodec:
        """The codec new artifacts are written with."""
        return self.codecs[self.writer]

    def with_codec(self, codec: ArtifactCodec, *, write: bool = False) -> CodecRegistry:
        """A registry that also reads `codec`'s version (and writes it, with `write`)."""
        codecs = {**self.codecs, codec.version: codec}
        return replace(self, codecs=codecs, writer=codec.version if write else self.writer)

"""A toy artifact format 2 for tests: gzip JSON Lines (no array brackets), at a key of its own.

It exists to show that a new format can be registered beside format 1 and that both are then
served and verified; it is not a format the product writes.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import BinaryIO

from ledgerstore.artifacts.codec import RecordBatch
from ledgerstore.errors import ArtifactFormatError
from ledgerstore.summary import RecordSummary, SummaryBuilder
from normalizer.canonical import record_from_json, record_to_json
from normalizer.record import Record


class _Writer:
    def __init__(self, records: Iterable[Record]) -> None:
        self._records = records
        self.summary: RecordSummary | None = None

    def chunks(self) -> Iterator[bytes]:
        builder = SummaryBuilder()
        lines = []
        for record in self._records:
            line = record_to_json(record) + b"\n"
            builder.add(record, line)
            lines.append(line)
        self.summary = builder.summary()
        yield gzip.compress(b"".join(lines), mtime=0)


class V2Codec:
    version = 2

    def key(self, ledger_file_id: int) -> str:
        return f"ledger-artifacts/v2/{ledger_file_id}.jsonl.gz"

    def writer(self, records: Iterable[Record]) -> _Writer:
        return _Writer(records)

    def batches(self, stream: BinaryIO) -> Iterator[RecordBatch]:
        try:
            data = gzip.decompress(stream.read())
        except (OSError, EOFError) as exc:
            raise ArtifactFormatError(f"not a format 2 artifact: {exc}") from exc
        try:
            records = [record_from_json(line) for line in data.splitlines()]
        except ValueError as exc:
            raise ArtifactFormatError(f"a format 2 artifact holds a malformed record: {exc}") from exc
        yield RecordBatch(
            records=records,
            lines=data,
            debit_total=sum((r.debit for r in records), Decimal(0)),
            credit_total=sum((r.credit for r in records), Decimal(0)),
        )


V2 = V2Codec()

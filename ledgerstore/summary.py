"""What identifies a record set: count, control totals and the canonical records sha256.

Computed the same way wherever records pass (normalizing, writing an artifact, loading hot
rows, reading any tier), so any two tiers can be compared by their summaries.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from normalizer.canonical import RecordDigest, record_to_json
from normalizer.record import Record


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordSummary:
    """Count, debit and credit totals (all currencies together) and canonical sha256."""

    count: int
    debit_total: Decimal
    credit_total: Decimal
    records_sha256: str


class SummaryBuilder:
    """Accumulates a `RecordSummary` over records or their canonical lines as they stream by."""

    __slots__ = ("_credit", "_debit", "_digest")

    def __init__(self) -> None:
        self._digest = RecordDigest()
        self._debit = Decimal(0)
        self._credit = Decimal(0)

    def add(self, record: Record, line: bytes | None = None) -> None:
        """Add a record; pass its canonical line (with newline) when already encoded."""
        self._digest.update_line(line if line is not None else record_to_json(record) + b"\n")
        self._debit += record.debit
        self._credit += record.credit

    def add_lines(self, lines: bytes | memoryview, count: int, debit: Decimal, credit: Decimal) -> None:
        """Add `count` records given as their canonical JSON Lines and their debit/credit totals."""
        self._digest.update_lines(lines, count)
        self._debit += debit
        self._credit += credit

    def summary(self) -> RecordSummary:
        return RecordSummary(
            count=self._digest.count,
            debit_total=self._debit,
            credit_total=self._credit,
            records_sha256=self._digest.hexdigest(),
        )


def summarize(records: Iterable[Record]) -> RecordSummary:
    """The summary of a finite record sequence."""
    builder = SummaryBuilder()
    for record in records:
        builder.add(record)
    return builder.summary()


def tee_summary(records: Iterable[Record], builder: SummaryBuilder) -> Iterator[Record]:
    """Yield `records` unchanged while adding each to `builder`."""
    for record in records:
        builder.add(record)
        yield record

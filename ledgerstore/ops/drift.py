"""`drift`: what the current normalizer would change in ledgers already frozen.

A deterministic sample of ledger files with artifacts (the lowest ids, or a seeded random
sample) is normalized again from its raw bytes and compared, record by record in canonical
form, with its artifact: counts, totals, and the first records that differ. Run it before
shipping a normalizer change. Nothing is written.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import zip_longest
from typing import Any

from ledgerstore.artifacts.io import read_verified
from ledgerstore.errors import LedgerStoreError
from ledgerstore.ledgers import repository
from ledgerstore.ledgers.model import LedgerFile
from ledgerstore.objectstore.base import ObjectInfo
from ledgerstore.ops.storage import Storage
from ledgerstore.raw import normalize_stored
from ledgerstore.summary import RecordSummary, summarize
from normalizer import NormalizerError
from normalizer.canonical import record_to_json
from normalizer.record import Record
from normalizer.version import NORMALIZER_VERSION


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordDifference:
    """The canonical JSON of one record as frozen and as normalized now (None: absent)."""

    index: int
    frozen: str | None
    current: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class LedgerDrift:
    """One ledger file: its frozen summary, the current one, and the first records that differ."""

    ledger_file_id: int
    account: str
    fiscal_year: int
    frozen_version: str | None
    frozen: RecordSummary | None
    current: RecordSummary | None
    differing_records: int = 0
    first_differences: tuple[RecordDifference, ...] = ()
    error: str | None = None

    @property
    def changed(self) -> bool:
        return self.error is not None or self.differing_records > 0

    def as_dict(self) -> dict[str, Any]:
        def summary(s: RecordSummary | None) -> dict[str, Any] | None:
            if s is None:
                return None
            debit, credit = format(s.debit_total, "f"), format(s.credit_total, "f")
            return {
                "count": s.count,
                "debit_total": debit,
                "credit_total": credit,
                "sha256": s.records_sha256,
            }

        return {
            "ledger_file_id": self.ledger_file_id,
            "account": self.account,
            "fiscal_year": self.fiscal_year,
            "frozen_normalizer_version": self.frozen_version,
            "changed": self.changed,
            "frozen": summary(self.frozen),
            "current": summary(self.current),
            "differing_records": self.differing_records,
            "first_differences": [
                {"index": d.index, "frozen": d.frozen, "current": d.current} for d in self.first_differences
            ],
            "error": self.error,
        }


@dataclass(slots=True, kw_only=True)
class DriftReport:
    """Every sampled ledger's drift, and the normalizer version compared against."""

    normalizer_version: str = NORMALIZER_VERSION
    ledgers: list[LedgerDrift] = field(default_factory=list)

    @property
    def changed(self) -> list[LedgerDrift]:
        return [ledger for ledger in self.ledgers if ledger.changed]

    def as_dict(self) -> dict[str, Any]:
        return {
            "normalizer_version": self.normalizer_version,
            "sampled": len(self.ledgers),
            "changed": len(self.changed),
            "ledgers": [ledger.as_dict() for ledger in self.ledgers],
        }


def choose_sample(ledgers: list[LedgerFile], size: int, seed: int | None = None) -> list[LedgerFile]:
    """The `size` lowest ids, or with `seed` a reproducible random sample (in id order)."""
    if seed is None or size >= len(ledgers):
        return ledgers[:size]
    return sorted(random.Random(seed).sample(ledgers, size), key=lambda ledger: ledger.id)  # noqa: S311


def _lines(records: Iterable[Record]) -> Iterator[str]:
    for record in records:
        yield record_to_json(record).decode()


def compare(
    frozen: Sequence[Record], current: Sequence[Record], *, keep: int = 3
) -> tuple[int, list[RecordDifference]]:
    """How many positions differ in canonical form, and the first `keep` of them."""
    differing = 0
    first: list[RecordDifference] = []
    for index, (old, new) in enumerate(zip_longest(_lines(frozen), _lines(current))):
        if old != new:
            differing += 1
            if len(first) < keep:
                first.append(RecordDifference(index=index, frozen=old, current=new))
    return differing, first


def ledger_drift(store: Storage, ledger: LedgerFile, *, keep: int = 3) -> LedgerDrift:
    """Normalize one frozen ledger file again and compare it with its artifact."""
    assert ledger.artifact_key and ledger.artifact_sha256 and ledger.artifact_size is not None
    base = LedgerDrift(
        ledger_file_id=ledger.id,
        account=ledger.account,
        fiscal_year=ledger.fiscal_year,
        frozen_version=ledger.normalizer_version,
        frozen=ledger.summary,
        current=None,
    )
    expected = ObjectInfo(key=ledger.artifact_key, size=ledger.artifact_size, sha256=ledger.artifact_sha256)
    try:
        codec = store.codecs.codec(ledger.artifact_format)
        frozen = list(read_verified(store.objects, ledger.id, expected, ledger.summary, codec))
    except LedgerStoreError as exc:
        return replace(base, error=f"its artifact cannot be read ({exc}); run `ledgerstore verify`")
    try:
        current = normalize_stored(store.objects, ledger).records
    except (NormalizerError, LedgerStoreError) as exc:
        return replace(base, error=f"it would no longer normalize: {exc}")
    differing, first = compare(frozen, current, keep=keep)
    return replace(
        base, current=summarize(current), differing_records=differing, first_differences=tuple(first)
    )


def drift(
    store: Storage,
    *,
    sample: int = 20,
    account: str | None = None,
    seed: int | None = None,
    keep: int = 3,
) -> DriftReport:
    """Compare a sample of frozen ledger files with what the current normalizer makes of them."""
    with store.engine.connect() as connection:
        candidates = repository.search(connection, account=account, missing_artifact=False)
    report = DriftReport()
    for ledger in choose_sample(candidates, sample, seed):
        report.ledgers.append(ledger_drift(store, ledger, keep=keep))
    return report

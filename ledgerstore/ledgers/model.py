"""`LedgerFile`: the metadata of one upload, as the repository reads it from its row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ledgerstore.ledgers.issues import IssueCounts
from ledgerstore.ledgers.status import Status
from ledgerstore.summary import RecordSummary


@dataclass(frozen=True, slots=True, kw_only=True)
class LedgerFile:
    """One upload: where its bytes are, what became of it, and its artifact when it has one."""

    id: int
    account: str
    fiscal_year: int
    original_name: str
    raw_key: str
    raw_sha256: str
    raw_size: int
    sequence: int
    uploaded_at: dt.datetime
    status: Status
    normalize_options: Mapping[str, Any]
    normalizer_version: str | None
    record_count: int | None
    debit_total: Decimal | None
    credit_total: Decimal | None
    records_sha256: str | None
    artifact_key: str | None
    artifact_sha256: str | None
    artifact_size: int | None
    artifact_format: int | None
    error: str | None
    processed_at: dt.datetime | None
    issues_error: int | None = None
    issues_warning: int | None = None
    issues_info: int | None = None
    issues_key: str | None = None
    issues_sha256: str | None = None
    issues_size: int | None = None

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> LedgerFile:
        values = {name: row[name] for name in cls.__dataclass_fields__}
        values["status"] = Status(values["status"])
        return cls(**values)

    @property
    def has_artifact(self) -> bool:
        return self.artifact_key is not None

    @property
    def issue_counts(self) -> IssueCounts | None:
        """Its issues by severity; None when it was never normalized by a version that kept them."""
        if self.issues_error is None or self.issues_warning is None or self.issues_info is None:
            return None
        return IssueCounts(error=self.issues_error, warning=self.issues_warning, info=self.issues_info)

    @property
    def summary(self) -> RecordSummary | None:
        """The stored summary of this ledger's records, once it has been processed or frozen."""
        if self.record_count is None or self.records_sha256 is None:
            return None
        assert self.debit_total is not None and self.credit_total is not None
        return RecordSummary(
            count=self.record_count,
            debit_total=self.debit_total,
            credit_total=self.credit_total,
            records_sha256=self.records_sha256,
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly: decimals and datetimes as strings."""
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, Decimal):
                value = format(value, "f")
            elif isinstance(value, dt.datetime):
                value = value.isoformat()
            elif isinstance(value, Status):
                value = value.value
            elif isinstance(value, Mapping):
                value = dict(value)
            out[name] = value
        out["has_artifact"] = self.has_artifact
        counts = self.issue_counts
        out["issues"] = counts.as_dict() if counts is not None else None
        return out

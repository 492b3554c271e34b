"""What normalizing a file returns: records, row-level issues, detections and checks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from normalizer.record import Record

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Issue:
    """A problem with one row (or one cell) of the source.

    `severity == "error"` means the row produced no record (its raw values are here, so nothing
    is lost); `"warning"` means a record was produced but something about it deserves a look.
    `row` is the 1-based source line / sheet row, or None for a file-level note.
    """

    row: int | None
    column: str | None
    raw: str | None
    message: str
    severity: Severity = "error"
    code: str = "invalid"

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "raw": self.raw,
            "message": self.message,
            "severity": self.severity,
            "code": self.code,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Detected:
    """One thing the normalizer decided about the file, and how sure it is (0.0 - 1.0).

    `source` says where the decision came from: "profile", "override", "detected" or "default".
    """

    value: Any
    confidence: float = 1.0
    source: str = "detected"

    def as_dict(self) -> dict[str, Any]:
        return {"value": self.value, "confidence": self.confidence, "source": self.source}


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckResult:
    """The outcome of one check (journal balance, control total, fiscal-year range, ...)."""

    name: str
    passed: bool
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "passed": self.passed, "message": self.message, "details": self.details}


@dataclass(frozen=True, slots=True, kw_only=True)
class NormalizeResult:
    """Records in source order, the issues found, what was detected, the checks, the version."""

    records: Sequence[Record]  # a tuple, or columnar records from the fast path (normalizer.fast)
    issues: tuple[Issue, ...]
    detected: dict[str, Detected]
    checks: tuple[CheckResult, ...]
    normalizer_version: str

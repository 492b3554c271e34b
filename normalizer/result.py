"""What normalizing a file returns: records, row-level issues, detections and checks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
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


class IssueDraft:
    """`Issue`'s slots without its frozen guard: for building many issues fast (see `trusted_issue`)."""

    __slots__ = ("row", "column", "raw", "message", "severity", "code")  # noqa: RUF023 -- Issue's order

    row: int | None
    column: str | None
    raw: str | None
    message: str
    severity: Severity
    code: str


def trusted_issue(  # noqa: PLR0917 -- positional on purpose: one per row of a large file
    row: int | None, column: str | None, raw: str | None, message: str, severity: Severity, code: str
) -> Issue:
    """An `Issue` from these values, built as a draft and sealed (`__class__ = Issue`).

    The same object `Issue(...)` gives (Issue has no checks to skip), about 2.5 times cheaper:
    a file can have an issue on every one of its million rows (all outside the fiscal year).
    """
    draft = IssueDraft()
    draft.row = row
    draft.column = column
    draft.raw = raw
    draft.message = message
    draft.severity = severity
    draft.code = code
    draft.__class__ = Issue  # type: ignore[assignment]  # sealed: from here on a frozen Issue
    return draft  # type: ignore[return-value]


def in_row_order(issues: Iterable[Issue]) -> list[Issue]:
    """File-level issues (row None) first, then by row; stable (equal rows keep their order).

    The same order as sorting by `(row is not None, row or 0)`, with the key read in C: a file
    can have an issue on each of its million rows.
    """
    issues = list(issues)
    rows = [i for i in issues if i.row is not None]
    rows.sort(key=_ROW)
    return [i for i in issues if i.row is None] + rows


_ROW = attrgetter("row")


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
    issues: Sequence[Issue]  # a tuple, or an IssueSequence when issues are many (normalizer.issue_columns)
    detected: dict[str, Detected]
    checks: tuple[CheckResult, ...]
    normalizer_version: str

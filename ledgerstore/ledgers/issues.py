"""A ledger file's issues as stored: counts by severity for all, the first ones in full.

The normalizer's row-level issues and its failed checks (journal balance, control totals, fiscal
year) are kept with the ledger file. A file may have millions of issues (every row out of its
fiscal year), so storage is bounded: the counts cover every issue, and the first
`MAX_STORED_ISSUES` are kept in full — errors first, then warnings (the file's failed
checks before its rows), then notes, each in the normalizer's (source) order, so a few errors
are never crowded out by many warnings.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain, islice
from typing import Any

from normalizer import CheckResult, Issue, NormalizeResult
from normalizer.issue_columns import of_severity, severity_counts

#: Severities, most serious first (the order issues are kept and shown in).
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")
#: How many issues of one file are kept in full (the counts cover all of them).
MAX_STORED_ISSUES = 1000
#: Longest raw value or message kept; the raw file keeps the whole value.
MAX_TEXT = 1000
#: Code of an issue made from a failed check: `check-` and the check's name.
CHECK_PREFIX = "check-"


def _clean(text: str | None) -> str | None:
    """Text PostgreSQL can hold (no NUL) and bounded; a cut value ends in `…`."""
    if text is None:
        return None
    text = text.replace("\x00", "\\x00")
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredIssue:
    """One issue: how serious, where (source row, column), the raw value, and what is wrong."""

    severity: str
    row: int | None
    column: str | None
    raw: str | None
    message: str
    code: str

    def as_dict(self) -> dict[str, Any]:
        """In the fixed key order the sidecar and `--json` use."""
        return {
            "severity": self.severity,
            "row": self.row,
            "column": self.column,
            "raw": self.raw,
            "message": self.message,
            "code": self.code,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class IssueCounts:
    """How many issues of each severity a ledger file has (all of them, not only those kept)."""

    error: int = 0
    warning: int = 0
    info: int = 0

    @property
    def total(self) -> int:
        return self.error + self.warning + self.info

    def as_dict(self) -> dict[str, int]:
        return {"error": self.error, "warning": self.warning, "info": self.info}

    def describe(self) -> str:
        """`1 error, 11 warnings` (zero severities left out; `no issues` when there are none)."""
        parts = [
            f"{count} {name}{'' if count == 1 or name == 'info' else 's'}"
            for name, count in (("error", self.error), ("warning", self.warning), ("info", self.info))
            if count
        ]
        return ", ".join(parts) or "no issues"


@dataclass(frozen=True, slots=True, kw_only=True)
class IssueSet:
    """A ledger file's issue counts and the issues kept in full (`items`, most serious first)."""

    counts: IssueCounts
    items: tuple[StoredIssue, ...]

    @property
    def truncated(self) -> bool:
        """True when more issues were found than are kept in full."""
        return self.counts.total > len(self.items)

    @property
    def blocking(self) -> bool:
        """Error-level issues: rows that could not become records."""
        return self.counts.error > 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "counts": self.counts.as_dict(),
            "stored": len(self.items),
            "truncated": self.truncated,
            "issues": [issue.as_dict() for issue in self.items],
        }


def _stored(issue: Issue) -> StoredIssue:
    return StoredIssue(
        severity=issue.severity,
        row=issue.row,
        column=_clean(issue.column),
        raw=_clean(issue.raw),
        message=_clean(issue.message) or "",
        code=issue.code,
    )


def _from_check(check: CheckResult) -> StoredIssue:
    return StoredIssue(
        severity="warning",  # a check never blocks: the records are all there
        row=None,
        column=None,
        raw=None,
        message=_clean(check.message) or "",
        code=f"{CHECK_PREFIX}{check.name}",
    )


def issues_of(result: NormalizeResult, *, limit: int = MAX_STORED_ISSUES) -> IssueSet:
    """The issues of one normalization: its row-level issues and its failed checks.

    Only the issues kept are built (a file can have an issue on every one of a million rows).
    """
    failed = [check for check in result.checks if not check.passed]
    counts = severity_counts(result.issues)
    counts["warning"] += len(failed)
    items: list[StoredIssue] = []
    for severity in SEVERITIES:
        room = limit - len(items)
        if room <= 0:
            break
        checks = (_from_check(check) for check in failed if severity == "warning")
        rows = (_stored(issue) for issue in of_severity(result.issues, severity))
        items.extend(islice(chain(checks, rows), room))  # a file's few failed checks before its rows
    return IssueSet(
        counts=IssueCounts(error=counts["error"], warning=counts["warning"], info=counts["info"]),
        items=tuple(items),
    )

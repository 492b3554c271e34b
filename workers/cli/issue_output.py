"""Showing a ledger file's issues: a summary on stderr after ingest/reprocess, tables, CSV, JSON."""

from __future__ import annotations

import csv
import io
import sys
from typing import Any

from ledgerstore.ledgers.issues import IssueSet, StoredIssue
from ledgerstore.ledgers.model import LedgerFile
from reporting.renderers.cells import neutralize
from workers.cli.output import ExitCode, fail, one_line

#: How many issues `ingest` and `reprocess` show on stderr (all of them are in `--json`).
SHOWN = 5
CSV_FIELDS = ("severity", "row", "column", "raw", "message", "code")


def where(issue: StoredIssue) -> str:
    """`row 4, column Credit` (or `file` for a note about the whole file)."""
    parts = [
        f"row {issue.row}" if issue.row is not None else "",
        f"column {issue.column}" if issue.column else "",
    ]
    return ", ".join(part for part in parts if part) or "file"


def describe(issue: StoredIssue) -> str:
    """One line: severity, where, the message, and the raw value when the message lacks it."""
    raw = f" (raw value {issue.raw!r})" if issue.raw and issue.raw not in issue.message else ""
    return one_line(f"{issue.severity}: {where(issue)}: {issue.message}{raw}")


def show_summary(ledger: LedgerFile, issues: IssueSet | None) -> None:
    """Counts by severity and the first few issues, on stderr (nothing when there are none)."""
    if issues is None or issues.counts.total == 0:
        return
    print(
        f"ledger file {ledger.id}: {issues.counts.describe()}"
        f" (all of them: `ledgerstore issues {ledger.id}`)",
        file=sys.stderr,
    )
    for issue in issues.items[:SHOWN]:
        print(f"  {describe(issue)}", file=sys.stderr)
    if issues.counts.total > SHOWN:
        print(f"  … and {issues.counts.total - SHOWN} more", file=sys.stderr)


def outcome_code(ledger: LedgerFile, issues: IssueSet | None) -> int:
    """The exit code of an ingest or reprocess, with its one error line when it did not go in."""
    if ledger.status == "failed":
        return fail(
            f"ledger file {ledger.id} ({ledger.original_name}) could not be normalized: {ledger.error}",
            ExitCode.INPUT,
        )
    if ledger.status == "rejected":
        counts = issues.counts.describe() if issues is not None else "error-level issues"
        return fail(
            f"ledger file {ledger.id} ({ledger.original_name}) rejected: {counts}; rows that could not"
            f" become records are errors — see `ledgerstore issues {ledger.id}`, then correct it with"
            f" `ledgerstore reprocess {ledger.id} --profile P` (or --sheet/--encoding) or accept it"
            " with `--accept-issues`",
            ExitCode.FAILURE,
        )
    return ExitCode.OK


def issues_json(ledger: LedgerFile, issues: IssueSet | None) -> dict[str, Any]:
    """The `issues` object of `--json` outputs (counts None when none were recorded)."""
    if issues is None:
        return {"ledger_file_id": ledger.id, "counts": None, "stored": 0, "truncated": False, "issues": []}
    return {"ledger_file_id": ledger.id, **issues.as_dict()}


def issues_csv(issues: IssueSet, *, raw: bool = False) -> str:
    """CSV with a header row; text neutralised for spreadsheets unless `raw`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for issue in issues.items:
        values = issue.as_dict()
        writer.writerow(
            "" if values[name] is None else (str(values[name]) if raw else neutralize(str(values[name])))
            for name in CSV_FIELDS
        )
    return out.getvalue()

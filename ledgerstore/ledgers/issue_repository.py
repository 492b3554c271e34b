"""Ledger-file issues: the only module that runs SQL on `ledger_issues` and the issue columns.

Like `ledgerstore.ledgers.repository`, every function runs inside the caller's transaction and
translates driver errors at one boundary (`wrap_exceptions`).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ledgerstore.db.schema import ledger_files, ledger_issues
from ledgerstore.errors import wrap_exceptions
from ledgerstore.ledgers.issues import IssueCounts, IssueSet, StoredIssue
from ledgerstore.objectstore.base import ObjectInfo

_i = ledger_issues.c


@wrap_exceptions("recording a ledger file's issues")
def record_issues(
    connection: Connection, ledger_file_id: int, issues: IssueSet, sidecar: ObjectInfo | None
) -> None:
    """Replace the ledger file's issues (and name its sidecar, when one was frozen)."""
    connection.execute(sa.delete(ledger_issues).where(_i.ledger_file_id == ledger_file_id))
    if issues.items:
        connection.execute(
            ledger_issues.insert(),
            [
                {
                    "ledger_file_id": ledger_file_id,
                    "position": position,
                    "severity": issue.severity,
                    "code": issue.code,
                    "row_number": issue.row,
                    "column_name": issue.column,
                    "raw_value": issue.raw,
                    "message": issue.message,
                }
                for position, issue in enumerate(issues.items)
            ],
        )
    connection.execute(
        sa.update(ledger_files)
        .where(ledger_files.c.id == ledger_file_id)
        .values(
            issues_error=issues.counts.error,
            issues_warning=issues.counts.warning,
            issues_info=issues.counts.info,
            issues_key=sidecar.key if sidecar is not None else None,
            issues_sha256=sidecar.sha256 if sidecar is not None else None,
            issues_size=sidecar.size if sidecar is not None else None,
            updated_at=sa.func.now(),
        )
    )


@wrap_exceptions("clearing a ledger file's issues")
def clear_issues(connection: Connection, ledger_file_id: int) -> None:
    """Forget the issues of an attempt about to be redone (a reprocess); never of a frozen ledger."""
    connection.execute(sa.delete(ledger_issues).where(_i.ledger_file_id == ledger_file_id))
    connection.execute(
        sa.update(ledger_files)
        .where(ledger_files.c.id == ledger_file_id, ledger_files.c.issues_key.is_(None))
        .values(issues_error=None, issues_warning=None, issues_info=None, updated_at=sa.func.now())
    )


@wrap_exceptions("reading a ledger file's issues")
def stored_issues(connection: Connection, ledger_file_id: int, counts: IssueCounts) -> IssueSet:
    """The issues kept for a ledger file, in their stored order, with its `counts`."""
    query = (
        sa.select(_i.severity, _i.row_number, _i.column_name, _i.raw_value, _i.message, _i.code)
        .where(_i.ledger_file_id == ledger_file_id)
        .order_by(_i.position)
    )
    items = tuple(
        StoredIssue(severity=severity, row=row, column=column, raw=raw, message=message, code=code)
        for severity, row, column, raw, message, code in connection.execute(query)
    )
    return IssueSet(counts=counts, items=items)

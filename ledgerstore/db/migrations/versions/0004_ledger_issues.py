"""Issues kept with every ledger file, their sidecar, and the `rejected` status.

Revision ID: 0004
Revises: 0003

Adds `ledger_issues` (the first issues of each file in full), the issue counts and sidecar
columns on `ledger_files`, the status `rejected` (an upload whose rows could not all become
records) and the incident kinds of the issue sidecar. Existing rows keep NULL counts: they were
normalized before issues were kept.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_OLD_STATUSES = "'pending', 'registered', 'active', 'superseded', 'failed'"
_OLD_KINDS = "'artifact_missing', 'artifact_checksum', 'artifact_count', 'hot_mismatch', 'raw_missing'"
_SHA256 = "~ '^[0-9a-f]{64}$'"


def _replace_check(table: str, name: str, condition: str) -> None:
    op.drop_constraint(op.f(f"ck_{table}_{name}"), table, type_="check")
    op.create_check_constraint(op.f(f"ck_{table}_{name}"), table, condition)


def upgrade() -> None:
    for column in ("issues_error", "issues_warning", "issues_info", "issues_size"):
        op.add_column("ledger_files", sa.Column(column, sa.BigInteger(), nullable=True))
    op.add_column("ledger_files", sa.Column("issues_key", sa.Text(), nullable=True))
    op.add_column("ledger_files", sa.Column("issues_sha256", sa.CHAR(64), nullable=True))
    op.create_check_constraint(
        op.f("ck_ledger_files_issue_counts"),
        "ledger_files",
        "(issues_error IS NULL) = (issues_warning IS NULL) AND (issues_error IS NULL) = (issues_info IS NULL)"
        " AND issues_error >= 0 AND issues_warning >= 0 AND issues_info >= 0",
    )
    op.create_check_constraint(
        op.f("ck_ledger_files_issues_complete"),
        "ledger_files",
        "(issues_key IS NULL) = (issues_sha256 IS NULL) AND (issues_key IS NULL) = (issues_size IS NULL)"
        " AND (issues_key IS NULL OR issues_error IS NOT NULL)",
    )
    op.create_check_constraint(
        op.f("ck_ledger_files_issues_sha256"), "ledger_files", f"issues_sha256 {_SHA256}"
    )
    op.create_check_constraint(
        op.f("ck_ledger_files_rejected_has_errors"),
        "ledger_files",
        "status <> 'rejected' OR coalesce(issues_error, 0) > 0",
    )
    op.create_unique_constraint(op.f("uq_ledger_files_issues_key"), "ledger_files", ["issues_key"])
    _replace_check("ledger_files", "status", f"status IN ({_OLD_STATUSES}, 'rejected')")
    _replace_check(
        "integrity_incidents", "kind", f"kind IN ({_OLD_KINDS}, 'issues_missing', 'issues_checksum')"
    )
    op.create_table(
        "ledger_issues",
        sa.Column("ledger_file_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("severity", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("row_number", sa.BigInteger(), nullable=True),
        sa.Column("column_name", sa.Text(), nullable=True),
        sa.Column("raw_value", sa.Text(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.CheckConstraint("position >= 0", name=op.f("ck_ledger_issues_position")),
        sa.CheckConstraint(
            "severity IN ('error', 'warning', 'info')", name=op.f("ck_ledger_issues_severity")
        ),
        sa.ForeignKeyConstraint(
            ["ledger_file_id"],
            ["ledger_files.id"],
            name=op.f("fk_ledger_issues_ledger_file_id_ledger_files"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ledger_file_id", "position", name=op.f("pk_ledger_issues")),
    )


def downgrade() -> None:
    op.drop_table("ledger_issues")
    op.execute("UPDATE ledger_files SET status = 'failed', error = 'rejected' WHERE status = 'rejected'")
    _replace_check("integrity_incidents", "kind", f"kind IN ({_OLD_KINDS})")
    _replace_check("ledger_files", "status", f"status IN ({_OLD_STATUSES})")
    op.drop_constraint(op.f("uq_ledger_files_issues_key"), "ledger_files", type_="unique")
    for name in ("rejected_has_errors", "issues_sha256", "issues_complete", "issue_counts"):
        op.drop_constraint(op.f(f"ck_ledger_files_{name}"), "ledger_files", type_="check")
    for column in (
        "issues_sha256",
        "issues_key",
        "issues_size",
        "issues_info",
        "issues_warning",
        "issues_error",
    ):
        op.drop_column("ledger_files", column)

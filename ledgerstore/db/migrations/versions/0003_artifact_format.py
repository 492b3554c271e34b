"""Artifact format versions: `ledger_files.artifact_format`, 1 for every artifact written so far.

Revision ID: 0003
Revises: 0002

Every artifact written before this revision is in format 1 (the only one there was), so rows
that have an artifact get 1; rows without one get theirs when it is written.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("ledger_files", sa.Column("artifact_format", sa.SmallInteger(), nullable=True))
    op.execute("UPDATE ledger_files SET artifact_format = 1 WHERE artifact_key IS NOT NULL")
    op.create_check_constraint(
        op.f("ck_ledger_files_artifact_format"),
        "ledger_files",
        "artifact_key IS NULL OR coalesce(artifact_format, 0) > 0",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_ledger_files_artifact_format"), "ledger_files", type_="check")
    op.drop_column("ledger_files", "artifact_format")

"""Initial schema: ledger files, upload sequences, partitioned hot records, integrity incidents.

Revision ID: 0001
Revises: (none)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hot_records",
        sa.Column("ledger_file_id", sa.BigInteger(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("posted_on", sa.Date(), nullable=True),
        sa.Column("account", sa.Text(), nullable=False),
        sa.Column("account_name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("journal", sa.Text(), nullable=False),
        sa.Column("debit", sa.Numeric(), nullable=False),
        sa.Column("credit", sa.Numeric(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("attributes", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.CheckConstraint("credit >= 0", name=op.f("ck_hot_records_credit")),
        sa.CheckConstraint("debit >= 0", name=op.f("ck_hot_records_debit")),
        sa.CheckConstraint("row_number > 0", name=op.f("ck_hot_records_row_number")),
        sa.PrimaryKeyConstraint("ledger_file_id", "row_number", name=op.f("pk_hot_records")),
        postgresql_partition_by="LIST (ledger_file_id)",
    )
    op.create_table(
        "ledger_files",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("account", sa.Text(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("original_name", sa.Text(), nullable=False),
        sa.Column("raw_key", sa.Text(), nullable=False),
        sa.Column("raw_sha256", sa.CHAR(length=64), nullable=False),
        sa.Column("raw_size", sa.BigInteger(), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.Text(), server_default=sa.text("'pending'"), nullable=False),
        sa.Column(
            "normalize_options",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("normalizer_version", sa.Text(), nullable=True),
        sa.Column("record_count", sa.BigInteger(), nullable=True),
        sa.Column("debit_total", sa.Numeric(), nullable=True),
        sa.Column("credit_total", sa.Numeric(), nullable=True),
        sa.Column("records_sha256", sa.CHAR(length=64), nullable=True),
        sa.Column("artifact_key", sa.Text(), nullable=True),
        sa.Column("artifact_sha256", sa.CHAR(length=64), nullable=True),
        sa.Column("artifact_size", sa.BigInteger(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "(status = 'failed') = (error IS NOT NULL)", name=op.f("ck_ledger_files_error_iff_failed")
        ),
        sa.CheckConstraint(
            "artifact_sha256 ~ '^[0-9a-f]{64}$'", name=op.f("ck_ledger_files_artifact_sha256")
        ),
        sa.CheckConstraint("raw_sha256 ~ '^[0-9a-f]{64}$'", name=op.f("ck_ledger_files_raw_sha256")),
        sa.CheckConstraint("records_sha256 ~ '^[0-9a-f]{64}$'", name=op.f("ck_ledger_files_records_sha256")),
        sa.CheckConstraint(
            "status IN ('pending', 'registered', 'active', 'superseded', 'failed')",
            name=op.f("ck_ledger_files_status"),
        ),
        sa.CheckConstraint(
            "status NOT IN ('active', 'superseded') OR (record_count IS NOT NULL AND records_sha256 IS NOT NULL)",
            name=op.f("ck_ledger_files_processed_has_counts"),
        ),
        sa.CheckConstraint(
            "(artifact_key IS NULL) = (artifact_sha256 IS NULL) AND (artifact_key IS NULL) = (artifact_size IS NULL)",
            name=op.f("ck_ledger_files_artifact_complete"),
        ),
        sa.CheckConstraint("artifact_size >= 0", name=op.f("ck_ledger_files_artifact_size")),
        sa.CheckConstraint("debit_total >= 0 AND credit_total >= 0", name=op.f("ck_ledger_files_totals")),
        sa.CheckConstraint("fiscal_year BETWEEN 1900 AND 2999", name=op.f("ck_ledger_files_fiscal_year")),
        sa.CheckConstraint("length(account) BETWEEN 1 AND 200", name=op.f("ck_ledger_files_account")),
        sa.CheckConstraint("raw_size >= 0", name=op.f("ck_ledger_files_raw_size")),
        sa.CheckConstraint("record_count >= 0", name=op.f("ck_ledger_files_record_count")),
        sa.CheckConstraint("sequence > 0", name=op.f("ck_ledger_files_sequence")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_files")),
        sa.UniqueConstraint(
            "account",
            "fiscal_year",
            "raw_sha256",
            name=op.f("uq_ledger_files_account_fiscal_year_raw_sha256"),
        ),
        sa.UniqueConstraint(
            "account", "fiscal_year", "sequence", name=op.f("uq_ledger_files_account_fiscal_year_sequence")
        ),
        sa.UniqueConstraint("artifact_key", name=op.f("uq_ledger_files_artifact_key")),
    )
    op.create_index(
        "ix_ledger_files_missing_artifact",
        "ledger_files",
        ["id"],
        unique=False,
        postgresql_where=sa.text("artifact_key IS NULL"),
    )
    op.create_index("ix_ledger_files_raw_key", "ledger_files", ["raw_key"], unique=False)
    op.create_index(
        "uq_ledger_files_one_active",
        "ledger_files",
        ["account", "fiscal_year"],
        unique=True,
        postgresql_where=sa.text("status = 'active'"),
    )
    op.create_table(
        "upload_sequences",
        sa.Column("account", sa.Text(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("last_sequence", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("last_sequence > 0", name=op.f("ck_upload_sequences_last_sequence")),
        sa.PrimaryKeyConstraint("account", "fiscal_year", name=op.f("pk_upload_sequences")),
    )
    op.create_table(
        "integrity_incidents",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("ledger_file_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("detected_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "kind IN ('artifact_missing', 'artifact_checksum', 'artifact_count', 'hot_mismatch', 'raw_missing')",
            name=op.f("ck_integrity_incidents_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["ledger_file_id"],
            ["ledger_files.id"],
            name=op.f("fk_integrity_incidents_ledger_file_id_ledger_files"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrity_incidents")),
    )
    op.create_index(
        "ix_integrity_incidents_ledger_file_id", "integrity_incidents", ["ledger_file_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_integrity_incidents_ledger_file_id", table_name="integrity_incidents")
    op.drop_table("integrity_incidents")
    op.drop_table("upload_sequences")
    op.drop_index(
        "uq_ledger_files_one_active", table_name="ledger_files", postgresql_where=sa.text("status = 'active'")
    )
    op.drop_index(
        "ix_ledger_files_missing_artifact",
        table_name="ledger_files",
        postgresql_where=sa.text("artifact_key IS NULL"),
    )
    op.drop_index("ix_ledger_files_raw_key", table_name="ledger_files")
    op.drop_table("ledger_files")
    op.drop_table("hot_records")

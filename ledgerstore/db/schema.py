"""The declared schema: the tables the migrations must produce, exactly.

`tests/integration/test_migrations.py` compares the migrated database with this metadata, so a
change here needs a migration (and the other way round).

Hot records live in a table partitioned by LIST on `slot`, so the number of partitions is bounded
by the number of *large* active ledgers, not of all of them (`ledgerstore.hot.slots`): a small
ledger's rows share one of `SHARED_SLOTS` partitions (`hot_records_shared_<n>`, slot `-n`) and are
replaced by DML; a large ledger has a partition of its own (`hot_records_<id>`, slot `<id>`), so
replacing it drops one partition (O(1), no table bloat) instead of deleting a million rows.
Partitions are created at run time and are not part of the declared schema.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    MetaData,
    Numeric,
    PrimaryKeyConstraint,
    SmallInteger,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import CHAR, JSONB
from sqlalchemy.types import TypeEngine

from ledgerstore.ledgers.issues import SEVERITIES
from ledgerstore.ledgers.status import Status
from normalizer.record import RECORD_SCHEMA

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

#: Every status a ledger file can be in (`ledgerstore.ledgers.status` explains each one).
LEDGER_STATUSES: tuple[str, ...] = tuple(status.value for status in Status)

_SHA256 = "~ '^[0-9a-f]{64}$'"


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


ledger_files = Table(
    "ledger_files",
    metadata,
    Column("id", BigInteger, Identity(always=False), primary_key=True),
    Column("account", Text, nullable=False),
    Column("fiscal_year", Integer, nullable=False),
    Column("original_name", Text, nullable=False),
    Column("raw_key", Text, nullable=False),
    Column("raw_sha256", CHAR(64), nullable=False),
    Column("raw_size", BigInteger, nullable=False),
    Column("sequence", BigInteger, nullable=False),
    Column("uploaded_at", DateTime(timezone=True), nullable=False),
    Column("status", Text, nullable=False, server_default=text("'pending'")),
    Column("normalize_options", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("normalizer_version", Text),
    Column("record_count", BigInteger),
    Column("debit_total", Numeric),
    Column("credit_total", Numeric),
    Column("records_sha256", CHAR(64)),
    Column("artifact_key", Text),
    Column("artifact_sha256", CHAR(64)),
    Column("artifact_size", BigInteger),
    #: The artifact's format version (`ledgerstore.artifacts.codec`); set with every artifact.
    Column("artifact_format", SmallInteger),
    Column("error", Text),
    Column("processed_at", DateTime(timezone=True)),
    #: Issue counts by severity (every issue found; NULL: not normalized by a version that kept them).
    Column("issues_error", BigInteger),
    Column("issues_warning", BigInteger),
    Column("issues_info", BigInteger),
    #: The issue sidecar frozen beside the artifact (`ledgerstore.artifacts.sidecar`).
    Column("issues_key", Text),
    Column("issues_sha256", CHAR(64)),
    Column("issues_size", BigInteger),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    CheckConstraint(f"status IN ({_in(LEDGER_STATUSES)})", name="status"),
    CheckConstraint("length(account) BETWEEN 1 AND 200", name="account"),
    CheckConstraint("fiscal_year BETWEEN 1900 AND 2999", name="fiscal_year"),
    CheckConstraint("sequence > 0", name="sequence"),
    CheckConstraint(f"raw_sha256 {_SHA256}", name="raw_sha256"),
    CheckConstraint("raw_size >= 0", name="raw_size"),
    CheckConstraint("record_count >= 0", name="record_count"),
    CheckConstraint("debit_total >= 0 AND credit_total >= 0", name="totals"),
    CheckConstraint(f"records_sha256 {_SHA256}", name="records_sha256"),
    CheckConstraint(
        "(artifact_key IS NULL) = (artifact_sha256 IS NULL)"
        " AND (artifact_key IS NULL) = (artifact_size IS NULL)",
        name="artifact_complete",
    ),
    CheckConstraint(f"artifact_sha256 {_SHA256}", name="artifact_sha256"),
    CheckConstraint("artifact_size >= 0", name="artifact_size"),
    CheckConstraint("artifact_key IS NULL OR coalesce(artifact_format, 0) > 0", name="artifact_format"),
    CheckConstraint("(status = 'failed') = (error IS NOT NULL)", name="error_iff_failed"),
    CheckConstraint(
        "(issues_error IS NULL) = (issues_warning IS NULL) AND (issues_error IS NULL) = (issues_info IS NULL)"
        " AND issues_error >= 0 AND issues_warning >= 0 AND issues_info >= 0",
        name="issue_counts",
    ),
    CheckConstraint(
        "(issues_key IS NULL) = (issues_sha256 IS NULL) AND (issues_key IS NULL) = (issues_size IS NULL)"
        " AND (issues_key IS NULL OR issues_error IS NOT NULL)",
        name="issues_complete",
    ),
    CheckConstraint(f"issues_sha256 {_SHA256}", name="issues_sha256"),
    CheckConstraint("status <> 'rejected' OR coalesce(issues_error, 0) > 0", name="rejected_has_errors"),
    CheckConstraint(
        "status NOT IN ('active', 'superseded') OR (record_count IS NOT NULL AND records_sha256 IS NOT NULL)",
        name="processed_has_counts",
    ),
    UniqueConstraint("account", "fiscal_year", "raw_sha256"),
    UniqueConstraint("account", "fiscal_year", "sequence"),
    UniqueConstraint("artifact_key"),
    UniqueConstraint("issues_key"),
    Index(
        "uq_ledger_files_one_active",
        "account",
        "fiscal_year",
        unique=True,
        postgresql_where=text("status = 'active'"),
    ),
    Index("ix_ledger_files_missing_artifact", "id", postgresql_where=text("artifact_key IS NULL")),
    # Raw files are content-addressed, so several ledger files (other accounts/years) may share one.
    Index("ix_ledger_files_raw_key", "raw_key"),
)

#: Per account + fiscal year, the last upload sequence handed out (an atomic counter).
upload_sequences = Table(
    "upload_sequences",
    metadata,
    Column("account", Text, nullable=False),
    Column("fiscal_year", Integer, nullable=False),
    Column("last_sequence", BigInteger, nullable=False),
    PrimaryKeyConstraint("account", "fiscal_year"),
    CheckConstraint("last_sequence > 0", name="last_sequence"),
)

#: The column type of each record field kind (`normalizer.record.RECORD_SCHEMA`).
_RECORD_COLUMN_TYPES: dict[str, type[TypeEngine[Any]]] = {
    "id": BigInteger,
    "integer": Integer,
    "date": Date,
    "text": Text,
    "money": Numeric,
    "mapping": JSONB,
}

hot_records = Table(
    "hot_records",
    metadata,
    *(Column(spec.name, _RECORD_COLUMN_TYPES[spec.kind], nullable=spec.nullable) for spec in RECORD_SCHEMA),
    #: The partition key: the ledger's own id (a partition of its own) or a shared slot (< 0).
    Column("slot", BigInteger, nullable=False),
    PrimaryKeyConstraint("ledger_file_id", "row_number", "slot"),
    CheckConstraint("row_number > 0", name="row_number"),
    CheckConstraint("debit >= 0", name="debit"),
    CheckConstraint("credit >= 0", name="credit"),
    postgresql_partition_by="LIST (slot)",
)

#: Kinds of integrity incident the retriever and `verify` record.
INCIDENT_KINDS: tuple[str, ...] = (
    "artifact_missing",
    "artifact_checksum",
    "artifact_count",
    "hot_mismatch",
    "raw_missing",
    "issues_missing",
    "issues_checksum",
)

integrity_incidents = Table(
    "integrity_incidents",
    metadata,
    Column("id", BigInteger, Identity(always=False), primary_key=True),
    Column("ledger_file_id", BigInteger, ForeignKey("ledger_files.id", ondelete="CASCADE"), nullable=False),
    Column("kind", Text, nullable=False),
    Column("detail", Text, nullable=False),
    Column("detected_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    CheckConstraint(f"kind IN ({_in(INCIDENT_KINDS)})", name="kind"),
    Index("ix_integrity_incidents_ledger_file_id", "ledger_file_id"),
)


#: The issues of each ledger file kept in full (the first `MAX_STORED_ISSUES`, most serious first);
#: `position` is their order. The counts of all of them are on `ledger_files`.
ledger_issues = Table(
    "ledger_issues",
    metadata,
    Column("ledger_file_id", BigInteger, ForeignKey("ledger_files.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("severity", Text, nullable=False),
    Column("code", Text, nullable=False),
    Column("row_number", BigInteger),
    Column("column_name", Text),
    Column("raw_value", Text),
    Column("message", Text, nullable=False),
    PrimaryKeyConstraint("ledger_file_id", "position"),
    CheckConstraint("position >= 0", name="position"),
    CheckConstraint(f"severity IN ({_in(SEVERITIES)})", name="severity"),
)


def hot_partition_name(ledger_file_id: int) -> str:
    """The name of the partition holding one ledger file's hot rows."""
    if not isinstance(ledger_file_id, int) or ledger_file_id <= 0:
        raise ValueError(f"invalid ledger file id {ledger_file_id!r}")
    return f"hot_records_{ledger_file_id}"


#: How many partitions small ledgers share (their slot is `shared_slot(ledger_file_id)`).
SHARED_SLOTS = 64


def shared_slot(ledger_file_id: int) -> int:
    """The shared slot (a negative partition key) a small ledger's hot rows go to."""
    if not isinstance(ledger_file_id, int) or ledger_file_id <= 0:
        raise ValueError(f"invalid ledger file id {ledger_file_id!r}")
    return -(1 + ledger_file_id % SHARED_SLOTS)


def shared_slot_name(slot: int) -> str:
    """The name of the partition holding the shared slot `slot` (-1 .. -SHARED_SLOTS)."""
    if not isinstance(slot, int) or not -SHARED_SLOTS <= slot <= -1:
        raise ValueError(f"invalid shared slot {slot!r}")
    return f"hot_records_shared_{-slot}"

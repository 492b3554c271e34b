"""Ledger-file rows: the metadata of every upload, and the only module that writes them."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from ledgerstore.db.schema import integrity_incidents, ledger_files, upload_sequences
from ledgerstore.errors import LedgerFileNotFoundError
from ledgerstore.objectstore.base import ObjectInfo
from ledgerstore.summary import RecordSummary

_t = ledger_files.c


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
    status: str
    normalize_options: Mapping[str, Any]
    normalizer_version: str | None
    record_count: int | None
    debit_total: Decimal | None
    credit_total: Decimal | None
    records_sha256: str | None
    artifact_key: str | None
    artifact_sha256: str | None
    artifact_size: int | None
    error: str | None
    processed_at: dt.datetime | None

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> LedgerFile:
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})

    @property
    def has_artifact(self) -> bool:
        return self.artifact_key is not None

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
            elif isinstance(value, Mapping):
                value = dict(value)
            out[name] = value
        out["has_artifact"] = self.has_artifact
        return out


def ledger_lock_key(ledger_file_id: int) -> int:
    """A stable 64-bit advisory-lock key for one ledger file (reprocessing, freezing)."""
    digest = hashlib.sha256(f"ledger-file\0{ledger_file_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def get(connection: Connection, ledger_file_id: int, *, for_update: bool = False) -> LedgerFile:
    """The ledger file with this id; `LedgerFileNotFoundError` if there is none."""
    query = sa.select(ledger_files).where(_t.id == ledger_file_id)
    if for_update:
        query = query.with_for_update()
    row = connection.execute(query).mappings().first()
    if row is None:
        raise LedgerFileNotFoundError(ledger_file_id)
    return LedgerFile.from_row(row)


def find_upload(connection: Connection, account: str, fiscal_year: int, raw_sha256: str) -> LedgerFile | None:
    """The existing upload of these exact bytes for this account + fiscal year, if any."""
    row = (
        connection.execute(
            sa.select(ledger_files).where(
                _t.account == account, _t.fiscal_year == fiscal_year, _t.raw_sha256 == raw_sha256
            )
        )
        .mappings()
        .first()
    )
    return LedgerFile.from_row(row) if row is not None else None


def next_sequence(connection: Connection, account: str, fiscal_year: int) -> int:
    """Hand out the next upload sequence of an account + fiscal year (atomic, gap-free per commit)."""
    counter = upload_sequences.c
    statement = (
        pg_insert(upload_sequences)
        .values(account=account, fiscal_year=fiscal_year, last_sequence=1)
        .on_conflict_do_update(
            index_elements=[counter.account, counter.fiscal_year],
            set_={"last_sequence": counter.last_sequence + 1},
        )
        .returning(counter.last_sequence)
    )
    return int(connection.execute(statement).scalar_one())


def insert(
    connection: Connection,
    *,
    account: str,
    fiscal_year: int,
    original_name: str,
    raw: ObjectInfo,
    uploaded_at: dt.datetime,
    status: str,
    normalize_options: Mapping[str, Any],
) -> LedgerFile:
    """Create a ledger-file row with the next upload sequence of its account + fiscal year."""
    values = {
        "account": account,
        "fiscal_year": fiscal_year,
        "original_name": original_name,
        "raw_key": raw.key,
        "raw_sha256": raw.sha256,
        "raw_size": raw.size,
        "sequence": next_sequence(connection, account, fiscal_year),
        "uploaded_at": uploaded_at,
        "status": status,
        "normalize_options": dict(normalize_options),
    }
    row = connection.execute(ledger_files.insert().values(values).returning(ledger_files)).mappings().one()
    return LedgerFile.from_row(row)


def record_artifact(
    connection: Connection,
    ledger_file_id: int,
    artifact: ObjectInfo,
    summary: RecordSummary,
    normalizer_version: str,
) -> None:
    """Store where the ledger's artifact is and what it holds (its summary is now authoritative)."""
    connection.execute(
        sa.update(ledger_files)
        .where(_t.id == ledger_file_id)
        .values(
            artifact_key=artifact.key,
            artifact_sha256=artifact.sha256,
            artifact_size=artifact.size,
            record_count=summary.count,
            debit_total=summary.debit_total,
            credit_total=summary.credit_total,
            records_sha256=summary.records_sha256,
            normalizer_version=normalizer_version,
            updated_at=sa.func.now(),
        )
    )


def set_status(connection: Connection, ledger_file_id: int, status: str, *, error: str | None = None) -> None:
    """Move a ledger file to `status` (with `error` exactly when it is "failed")."""
    values: dict[str, Any] = {"status": status, "error": error, "updated_at": sa.func.now()}
    if status in ("active", "superseded", "failed"):
        values["processed_at"] = sa.func.now()
    connection.execute(sa.update(ledger_files).where(_t.id == ledger_file_id).values(values))


def active(
    connection: Connection, account: str, fiscal_year: int, *, for_update: bool = False
) -> LedgerFile | None:
    """The active ledger file of an account + fiscal year, if there is one."""
    query = sa.select(ledger_files).where(
        _t.account == account, _t.fiscal_year == fiscal_year, _t.status == "active"
    )
    if for_update:
        query = query.with_for_update()
    row = connection.execute(query).mappings().first()
    return LedgerFile.from_row(row) if row is not None else None


def history(connection: Connection, account: str, fiscal_year: int) -> list[LedgerFile]:
    """Every upload of an account + fiscal year, oldest first."""
    query = (
        sa.select(ledger_files)
        .where(_t.account == account, _t.fiscal_year == fiscal_year)
        .order_by(_t.sequence)
    )
    return [LedgerFile.from_row(row) for row in connection.execute(query).mappings()]


def search(
    connection: Connection,
    *,
    account: str | None = None,
    fiscal_year: int | None = None,
    status: str | None = None,
    missing_artifact: bool | None = None,
    uploaded_since: dt.datetime | None = None,
    limit: int | None = None,
) -> list[LedgerFile]:
    """Ledger files matching every given filter, by id."""
    query = sa.select(ledger_files).order_by(_t.id)
    if account is not None:
        query = query.where(_t.account == account)
    if fiscal_year is not None:
        query = query.where(_t.fiscal_year == fiscal_year)
    if status is not None:
        query = query.where(_t.status == status)
    if missing_artifact is not None:
        query = query.where(_t.artifact_key.is_(None) if missing_artifact else _t.artifact_key.is_not(None))
    if uploaded_since is not None:
        query = query.where(_t.uploaded_at >= uploaded_since)
    if limit is not None:
        query = query.limit(limit)
    return [LedgerFile.from_row(row) for row in connection.execute(query).mappings()]


def record_incident(connection: Connection, ledger_file_id: int, kind: str, detail: str) -> None:
    """Write down an integrity incident (a checksum mismatch, a missing object, ...)."""
    connection.execute(
        integrity_incidents.insert().values(ledger_file_id=ledger_file_id, kind=kind, detail=detail)
    )


def incidents(connection: Connection, ledger_file_id: int) -> list[tuple[str, str]]:
    """The (kind, detail) of every incident recorded for a ledger file, oldest first."""
    c = integrity_incidents.c
    query = sa.select(c.kind, c.detail).where(c.ledger_file_id == ledger_file_id).order_by(c.id)
    return [(kind, detail) for kind, detail in connection.execute(query)]

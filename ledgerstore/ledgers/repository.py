"""Ledger-file rows and integrity incidents: the only module that runs SQL on them.

Every function takes a SQLAlchemy `Connection` inside the caller's transaction (or, for
`ledger_lock`, an engine) and translates driver errors at one boundary (`wrap_exceptions`).
Status moves are checked against `ledgerstore.ledgers.status.TRANSITIONS` in the UPDATE itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection, Engine

from ledgerstore.db.schema import integrity_incidents, ledger_files, upload_sequences
from ledgerstore.errors import (
    DuplicateUploadError,
    LedgerFileNotFoundError,
    StatusTransitionError,
    wrap_exceptions,
)
from ledgerstore.ledgers.model import LedgerFile
from ledgerstore.ledgers.status import TRANSITIONS, Status
from ledgerstore.objectstore.base import ObjectInfo
from ledgerstore.summary import RecordSummary

_t = ledger_files.c

#: Session-level advisory lock of one ledger file (held across transactions, released by hand).
_LOCK = sa.text("SELECT pg_advisory_lock(:key)")
_UNLOCK = sa.text("SELECT pg_advisory_unlock(:key)")
#: The unique constraint that makes identical bytes one upload per account + fiscal year.
_ONE_UPLOAD = "uq_ledger_files_account_fiscal_year_raw_sha256"


def ledger_lock_key(ledger_file_id: int) -> int:
    """A stable 64-bit advisory-lock key for one ledger file (reprocessing, freezing)."""
    digest = hashlib.sha256(f"ledger-file\0{ledger_file_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def ledger_lock(engine: Engine, ledger_file_id: int) -> Iterator[Connection]:
    """A connection holding the ledger file's advisory lock until the block ends.

    Whoever freezes or reprocesses a ledger file holds it, so concurrent callers do the work once.
    The lock outlives the connection's transactions; it is released (after a rollback) on exit.
    """
    key = {"key": ledger_lock_key(ledger_file_id)}
    with wrap_exceptions(f"locking ledger file {ledger_file_id}"), engine.connect() as connection:
        connection.execute(_LOCK, key)
        connection.commit()
        try:
            yield connection
        finally:
            connection.rollback()
            connection.execute(_UNLOCK, key)
            connection.commit()


@wrap_exceptions("reading a ledger file")
def get(connection: Connection, ledger_file_id: int, *, for_update: bool = False) -> LedgerFile:
    """The ledger file with this id; `LedgerFileNotFoundError` if there is none."""
    query = sa.select(ledger_files).where(_t.id == ledger_file_id)
    if for_update:
        query = query.with_for_update()
    row = connection.execute(query).mappings().first()
    if row is None:
        raise LedgerFileNotFoundError(ledger_file_id)
    return LedgerFile.from_row(row)


@wrap_exceptions("looking up an upload")
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


@wrap_exceptions("numbering an upload")
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


@wrap_exceptions("creating a ledger file")
def reserve_id(connection: Connection) -> int:
    """Take the next ledger-file id from the table's own sequence, for a row created later
    (`insert(..., ledger_file_id=...)`); an id reserved and never used is only a gap."""
    query = sa.text("SELECT nextval(pg_get_serial_sequence('ledger_files', 'id'))")
    return int(connection.execute(query).scalar_one())


def insert(
    connection: Connection,
    *,
    account: str,
    fiscal_year: int,
    original_name: str,
    raw: ObjectInfo,
    uploaded_at: dt.datetime,
    status: Status,
    normalize_options: Mapping[str, Any],
    ledger_file_id: int | None = None,
) -> LedgerFile:
    """Create a ledger-file row with the next upload sequence of its account + fiscal year.

    `ledger_file_id`: an id taken with `reserve_id` (else the next one). Raises
    `DuplicateUploadError` when these bytes already are an upload of the account + year.
    """
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
    if ledger_file_id is not None:
        values["id"] = ledger_file_id
    try:
        with connection.begin_nested():
            row = (
                connection.execute(ledger_files.insert().values(values).returning(ledger_files))
                .mappings()
                .one()
            )
    except sa.exc.IntegrityError as exc:
        if _ONE_UPLOAD not in str(exc.orig):
            raise
        raise DuplicateUploadError(
            f"{raw.key} is already an upload of account {account}, fiscal year {fiscal_year}"
        ) from exc
    return LedgerFile.from_row(row)


@wrap_exceptions("recording an artifact")
def record_artifact(
    connection: Connection,
    ledger_file_id: int,
    artifact: ObjectInfo,
    summary: RecordSummary,
    normalizer_version: str,
    *,
    format_version: int,
) -> None:
    """Store where the ledger's artifact is and what it holds (its summary is now authoritative)."""
    connection.execute(
        sa.update(ledger_files)
        .where(_t.id == ledger_file_id)
        .values(
            artifact_key=artifact.key,
            artifact_sha256=artifact.sha256,
            artifact_size=artifact.size,
            artifact_format=format_version,
            record_count=summary.count,
            debit_total=summary.debit_total,
            credit_total=summary.credit_total,
            records_sha256=summary.records_sha256,
            normalizer_version=normalizer_version,
            updated_at=sa.func.now(),
        )
    )


@wrap_exceptions("correcting a ledger file's options")
def set_options(connection: Connection, ledger_file_id: int, normalize_options: Mapping[str, Any]) -> None:
    """Store corrected normalize options (a reprocess of a failed or rejected upload)."""
    connection.execute(
        sa.update(ledger_files)
        .where(_t.id == ledger_file_id)
        .values(normalize_options=dict(normalize_options), updated_at=sa.func.now())
    )


@wrap_exceptions("changing a ledger file's status")
def set_status(
    connection: Connection, ledger_file_id: int, status: Status, *, error: str | None = None
) -> None:
    """Move a ledger file to `status` (with `error` exactly when it is failed).

    Only a move listed in `TRANSITIONS` is made: `StatusTransitionError` otherwise.
    """
    sources = [source.value for source, targets in TRANSITIONS.items() if status in targets]
    values: dict[str, Any] = {"status": status.value, "error": error, "updated_at": sa.func.now()}
    if status.stamps_processed_at:
        values["processed_at"] = sa.func.now()
    moved = connection.execute(
        sa.update(ledger_files).where(_t.id == ledger_file_id, _t.status.in_(sources)).values(values)
    )
    if moved.rowcount != 1:
        get(connection, ledger_file_id)  # LedgerFileNotFoundError when there is no such file
        raise StatusTransitionError(ledger_file_id, status.value)


@wrap_exceptions("reading the active ledger")
def active(
    connection: Connection, account: str, fiscal_year: int, *, for_update: bool = False
) -> LedgerFile | None:
    """The active ledger file of an account + fiscal year, if there is one."""
    query = sa.select(ledger_files).where(
        _t.account == account, _t.fiscal_year == fiscal_year, _t.status == Status.ACTIVE.value
    )
    if for_update:
        query = query.with_for_update()
    row = connection.execute(query).mappings().first()
    return LedgerFile.from_row(row) if row is not None else None


@wrap_exceptions("reading a ledger history")
def history(connection: Connection, account: str, fiscal_year: int) -> list[LedgerFile]:
    """Every upload of an account + fiscal year, oldest first."""
    query = (
        sa.select(ledger_files)
        .where(_t.account == account, _t.fiscal_year == fiscal_year)
        .order_by(_t.sequence)
    )
    return [LedgerFile.from_row(row) for row in connection.execute(query).mappings()]


@wrap_exceptions("listing ledger files")
def search(
    connection: Connection,
    *,
    account: str | None = None,
    fiscal_year: int | None = None,
    status: Status | str | None = None,
    missing_artifact: bool | None = None,
    uploaded_since: dt.datetime | None = None,
    limit: int | None = None,
    after_id: int | None = None,
) -> list[LedgerFile]:
    """Ledger files matching every given filter, by id (after `after_id`: the next page)."""
    query = sa.select(ledger_files).order_by(_t.id)
    if after_id is not None:
        query = query.where(_t.id > after_id)
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


@wrap_exceptions("listing raw file keys")
def raw_keys(connection: Connection) -> set[str]:
    """Every raw object key some ledger file refers to (identical bytes share one key)."""
    return set(connection.execute(sa.select(_t.raw_key).distinct()).scalars())


@wrap_exceptions("recording an integrity incident")
def record_incident(connection: Connection, ledger_file_id: int, kind: str, detail: str) -> None:
    """Write down an integrity incident (a checksum mismatch, a missing object, ...)."""
    connection.execute(
        integrity_incidents.insert().values(ledger_file_id=ledger_file_id, kind=kind, detail=detail)
    )


@wrap_exceptions("reading integrity incidents")
def incidents(connection: Connection, ledger_file_id: int) -> list[tuple[str, str]]:
    """The (kind, detail) of every incident recorded for a ledger file, oldest first."""
    c = integrity_incidents.c
    query = sa.select(c.kind, c.detail).where(c.ledger_file_id == ledger_file_id).order_by(c.id)
    return [(kind, detail) for kind, detail in connection.execute(query)]


def _scope(
    account: str | None, fiscal_year: int | None, since: dt.datetime | None
) -> list[sa.ColumnElement[bool]]:
    where: list[sa.ColumnElement[bool]] = []
    if account is not None:
        where.append(_t.account == account)
    if fiscal_year is not None:
        where.append(_t.fiscal_year == fiscal_year)
    if since is not None:
        where.append(_t.uploaded_at >= since)
    return where


@wrap_exceptions("planning a backfill")
def backfill_candidates(
    connection: Connection,
    *,
    account: str | None = None,
    fiscal_year: int | None = None,
    since: dt.datetime | None = None,
    limit: int | None = None,
) -> tuple[tuple[LedgerFile, ...], int]:
    """Files in scope that backfill gives an artifact (lowest id first), and how many have one."""
    where = _scope(account, fiscal_year, since)
    statuses = [status.value for status in Status if status.backfillable]
    query = (
        sa.select(ledger_files)
        .where(_t.artifact_key.is_(None), _t.status.in_(statuses), *where)
        .order_by(_t.id)
        .limit(limit)
    )
    candidates = tuple(LedgerFile.from_row(row) for row in connection.execute(query).mappings())
    frozen = sa.select(sa.func.count()).select_from(ledger_files).where(_t.artifact_key.is_not(None), *where)
    return candidates, int(connection.execute(frozen).scalar_one())


@wrap_exceptions("counting ledger files")
def counts(connection: Connection) -> tuple[dict[str, int], int, int]:
    """Ledger files by status (every status, zero included), files with an artifact, their bytes."""
    by_status = dict.fromkeys((status.value for status in Status), 0)
    query = sa.select(_t.status, sa.func.count()).group_by(_t.status)
    by_status.update({status: int(count) for status, count in connection.execute(query)})
    artifacts = sa.select(sa.func.count(_t.artifact_key), sa.func.coalesce(sa.func.sum(_t.artifact_size), 0))
    with_artifact, artifact_bytes = connection.execute(artifacts).one()
    return by_status, int(with_artifact), int(artifact_bytes)

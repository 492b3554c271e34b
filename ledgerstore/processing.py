"""Uploads and `process_ledger`: raw bytes in; normalized, frozen and switched in.

`process_ledger` is idempotent and safe to rerun after a crash at any point:
- normalizing writes nothing;
- the artifact is write-once and an identical one left by a crashed attempt is adopted;
- the artifact's location and summary are recorded before any hot row is touched;
- the active switch is one transaction (see `ledgerstore.switch`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ledgerstore import ledger_files
from ledgerstore.artifacts import freeze
from ledgerstore.errors import ObjectExistsError
from ledgerstore.hot import stream_partition
from ledgerstore.ledger_files import LedgerFile
from ledgerstore.normalize_options import NormalizeOptions
from ledgerstore.object_keys import raw_key
from ledgerstore.objectstore.base import ObjectInfo, ObjectStore, holds_content
from ledgerstore.reprocess import normalize_ledger
from ledgerstore.switch import DONE_STATUSES, activate
from normalizer import NormalizerError
from normalizer.version import NORMALIZER_VERSION

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class Upload:
    """The ledger file an upload created, or the existing one for identical bytes."""

    ledger: LedgerFile
    created: bool


def store_raw(objects: ObjectStore, data: bytes, original_name: str) -> ObjectInfo:
    """Store raw bytes at their content address (an identical object already there is reused)."""
    sha256 = hashlib.sha256(data).hexdigest()
    info = ObjectInfo(key=raw_key(sha256, original_name), size=len(data), sha256=sha256)
    try:
        return objects.put_once(info.key, data)
    except ObjectExistsError:
        if holds_content(objects, info):
            return info
        raise


def upload(
    engine: Engine,
    objects: ObjectStore,
    data: bytes,
    *,
    account: str,
    fiscal_year: int,
    original_name: str,
    options: NormalizeOptions,
    uploaded_at: dt.datetime | None = None,
    status: str = "pending",
    on_created: Any = None,
) -> Upload:
    """Store the raw bytes and create the ledger-file row (or return the existing identical upload).

    `on_created(connection, ledger)` runs inside the transaction that creates the row (the task
    queue uses it to enqueue processing atomically with the upload).
    """
    sha256 = hashlib.sha256(data).hexdigest()
    with engine.connect() as connection:
        existing = ledger_files.find_upload(connection, account, fiscal_year, sha256)
    if existing is not None:
        return Upload(ledger=existing, created=False)
    raw = store_raw(objects, data, original_name)
    try:
        with engine.begin() as connection:
            ledger = ledger_files.insert(
                connection,
                account=account,
                fiscal_year=fiscal_year,
                original_name=original_name,
                raw=raw,
                uploaded_at=uploaded_at or dt.datetime.now(dt.UTC),
                status=status,
                normalize_options=options.to_json(),
            )
            if on_created is not None:
                on_created(connection, ledger)
    except sa.exc.IntegrityError:
        # The same bytes were uploaded concurrently for this account + year: theirs won.
        with engine.connect() as connection:
            existing = ledger_files.find_upload(connection, account, fiscal_year, sha256)
        if existing is None:
            raise
        return Upload(ledger=existing, created=False)
    log.info("uploaded ledger file %s", ledger.id, extra={"ledger_file_id": ledger.id})
    return Upload(ledger=ledger, created=True)


def process_ledger(engine: Engine, objects: ObjectStore, ledger_file_id: int) -> LedgerFile:
    """Normalize, freeze and switch in one uploaded ledger file. Idempotent; safe to retry.

    A file that cannot be normalized is marked failed with the reason (its raw bytes stay, the
    active ledger is untouched) and returned; storage failures raise for the caller to retry.
    """
    with engine.connect() as connection:
        ledger = ledger_files.get(connection, ledger_file_id)
    if ledger.status in DONE_STATUSES:
        return ledger
    try:
        result = normalize_ledger(objects, ledger)
    except NormalizerError as exc:
        with engine.begin() as connection:
            ledger_files.set_status(connection, ledger_file_id, "failed", error=str(exc))
            return ledger_files.get(connection, ledger_file_id)
    records = result.records
    frozen = freeze(objects, ledger_file_id, lambda: records)
    with engine.begin() as connection:
        ledger_files.record_artifact(
            connection, ledger_file_id, frozen.info, frozen.summary, NORMALIZER_VERSION
        )
        _clear_failure(connection, ledger_file_id)
    ledger = activate(engine, objects, ledger_file_id, records)
    log.info(
        "processed ledger file %s: %s",
        ledger_file_id,
        ledger.status,
        extra={"ledger_file_id": ledger_file_id},
    )
    return ledger


def _clear_failure(connection: Connection, ledger_file_id: int) -> None:
    """A failed ledger that now normalizes goes back to pending until it is switched in."""
    ledger = ledger_files.get(connection, ledger_file_id, for_update=True)
    if ledger.status == "failed":
        ledger_files.set_status(connection, ledger_file_id, "pending")


def freeze_ledger(engine: Engine, objects: ObjectStore, ledger_file_id: int) -> tuple[LedgerFile, bool]:
    """Give a ledger file an artifact if it has none (from hot rows, else by reprocessing raw).

    Returns the ledger and whether an artifact was created. Status is left as it is: a frozen
    legacy file stays registered, a hot active ledger stays active. Serialised per ledger file
    with an advisory lock, so concurrent freezers do the work once.
    """
    with engine.connect() as connection:
        connection.execute(sa.select(sa.func.pg_advisory_lock(ledger_files.ledger_lock_key(ledger_file_id))))
        try:
            ledger = ledger_files.get(connection, ledger_file_id)
            if ledger.has_artifact:
                return ledger, False
            if ledger.status == "active":
                frozen = freeze(objects, ledger_file_id, lambda: stream_partition(connection, ledger_file_id))
                version = ledger.normalizer_version or "unknown (frozen from hot rows)"
            else:
                result = normalize_ledger(objects, ledger)
                records = result.records
                frozen = freeze(objects, ledger_file_id, lambda: records)
                version = NORMALIZER_VERSION
            ledger_files.record_artifact(connection, ledger_file_id, frozen.info, frozen.summary, version)
            connection.commit()
            return ledger_files.get(connection, ledger_file_id), True
        finally:
            connection.rollback()
            connection.execute(
                sa.select(sa.func.pg_advisory_unlock(ledger_files.ledger_lock_key(ledger_file_id)))
            )
            connection.commit()

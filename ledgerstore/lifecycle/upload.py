"""Uploads: raw bytes stored once, and the ledger-file row that names them."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.engine import Connection, Engine

from ledgerstore import raw
from ledgerstore.errors import DuplicateUploadError
from ledgerstore.ledgers import repository
from ledgerstore.ledgers.issues import IssueSet
from ledgerstore.ledgers.model import LedgerFile
from ledgerstore.ledgers.options import NormalizeOptions
from ledgerstore.ledgers.status import Status
from ledgerstore.objectstore.base import ObjectStore

log = logging.getLogger(__name__)

#: Runs inside the transaction that creates the row (the task queue enqueues processing there).
OnCreated = Callable[[Connection, LedgerFile], None]


@dataclass(frozen=True, slots=True, kw_only=True)
class Upload:
    """The ledger file an upload created, or the existing one for identical bytes.

    `issues` are its issues once it has been normalized (`LedgerStore.ingest`), else None.
    """

    ledger: LedgerFile
    created: bool
    issues: IssueSet | None = None


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
    status: Status = Status.PENDING,
    on_created: OnCreated | None = None,
    ledger_file_id: int | None = None,
) -> Upload:
    """Store the raw bytes and create the ledger-file row (or return the existing identical upload).

    `on_created(connection, ledger)` runs inside the transaction that creates the row (the task
    queue uses it to enqueue processing atomically with the upload). `ledger_file_id`: the id
    the row gets if created, reserved beforehand (`repository.reserve_id`).
    """
    sha256 = hashlib.sha256(data).hexdigest()
    with engine.connect() as connection:
        existing = repository.find_upload(connection, account, fiscal_year, sha256)
    if existing is not None:
        return Upload(ledger=existing, created=False)
    stored = raw.store_raw(objects, data, original_name, sha256=sha256)
    try:
        with engine.begin() as connection:
            ledger = repository.insert(
                connection,
                account=account,
                fiscal_year=fiscal_year,
                original_name=original_name,
                raw=stored,
                uploaded_at=uploaded_at or dt.datetime.now(dt.UTC),
                status=status,
                normalize_options=options.to_json(),
                ledger_file_id=ledger_file_id,
            )
            if on_created is not None:
                on_created(connection, ledger)
    except DuplicateUploadError:
        # The same bytes were uploaded concurrently for this account + year: theirs won.
        with engine.connect() as connection:
            existing = repository.find_upload(connection, account, fiscal_year, sha256)
        if existing is None:
            raise
        return Upload(ledger=existing, created=False)
    log.info("uploaded ledger file %s", ledger.id, extra={"ledger_file_id": ledger.id})
    return Upload(ledger=ledger, created=True)

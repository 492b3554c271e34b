"""`process_ledger`: an uploaded ledger file normalized, frozen and switched in.

Idempotent and safe to rerun after a crash at any point:
- normalizing writes nothing;
- the artifact is write-once and an identical one left by a crashed attempt is adopted
  (`ensure_artifact`), and it is recorded before any hot row is touched;
- the active switch is one transaction (see `ledgerstore.lifecycle.switch`).
"""

from __future__ import annotations

import logging

from sqlalchemy.engine import Connection, Engine

from ledgerstore.artifacts.codec import CodecRegistry
from ledgerstore.artifacts.ensure import ensure_artifact, normalized
from ledgerstore.artifacts.formats import DEFAULT_CODECS
from ledgerstore.ledgers import repository
from ledgerstore.ledgers.model import LedgerFile
from ledgerstore.ledgers.status import Status
from ledgerstore.lifecycle.switch import activate
from ledgerstore.objectstore.base import ObjectStore
from ledgerstore.raw import normalize_stored
from normalizer import NormalizerError

log = logging.getLogger(__name__)


def process_ledger(
    engine: Engine, objects: ObjectStore, ledger_file_id: int, *, codecs: CodecRegistry = DEFAULT_CODECS
) -> LedgerFile:
    """Normalize, freeze and switch in one uploaded ledger file. Idempotent; safe to retry.

    A file that cannot be normalized is marked failed with the reason (its raw bytes stay, the
    active ledger is untouched) and returned; storage failures raise for the caller to retry.
    """
    with engine.connect() as connection:
        ledger = repository.get(connection, ledger_file_id)
    if ledger.status.processed:
        return ledger
    try:
        result = normalize_stored(objects, ledger)
    except NormalizerError as exc:
        with engine.begin() as connection:
            repository.set_status(connection, ledger_file_id, Status.FAILED, error=str(exc))
            return repository.get(connection, ledger_file_id)
    records = result.records
    with engine.begin() as connection:
        ensure_artifact(connection, objects, ledger, normalized(records), codecs=codecs)
        _clear_failure(connection, ledger_file_id)
    ledger = activate(engine, objects, ledger_file_id, records, codecs=codecs)
    log.info(
        "processed ledger file %s: %s",
        ledger_file_id,
        ledger.status,
        extra={"ledger_file_id": ledger_file_id},
    )
    return ledger


def _clear_failure(connection: Connection, ledger_file_id: int) -> None:
    """A failed ledger that now normalizes goes back to pending until it is switched in."""
    ledger = repository.get(connection, ledger_file_id, for_update=True)
    if ledger.status == Status.FAILED:
        repository.set_status(connection, ledger_file_id, Status.PENDING)

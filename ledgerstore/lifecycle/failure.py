"""Recording why a ledger file could not be processed or frozen, where an operator will look.

A permanent failure (the raw file cannot be normalized, is missing or altered; a conflicting
artifact holds the key) is written on the ledger file: a not-yet-processed file (pending,
registered) becomes `failed` with the reason, and missing raw files or conflicting artifacts
are also recorded as integrity incidents. Active and superseded ledgers keep their status:
they still serve their records.
"""

from __future__ import annotations

import logging

from sqlalchemy.engine import Engine

from ledgerstore.errors import (
    ArtifactConflictError,
    LedgerStoreError,
    LedgerUnavailableError,
    ObjectNotFoundError,
)
from ledgerstore.ledgers import repository
from ledgerstore.ledgers.status import Status

log = logging.getLogger(__name__)


def failure_reason(exc: BaseException) -> str:
    """One line saying what went wrong, for the ledger file's `error` and for reports."""
    text = exc.message if isinstance(exc, LedgerStoreError) else str(exc)
    line = " ".join(text.split()) or type(exc).__name__
    return line if isinstance(exc, LedgerStoreError) else f"{type(exc).__name__}: {line}"


def _incident_kind(exc: BaseException) -> str | None:
    if isinstance(exc, ArtifactConflictError):
        return "artifact_checksum"
    if isinstance(exc, LedgerUnavailableError) and isinstance(exc.__cause__, ObjectNotFoundError):
        return "raw_missing"
    return None


def record_failure(engine: Engine, ledger_file_id: int, exc: BaseException) -> str:
    """Write down a permanent failure on the ledger file (see the module docstring); the reason."""
    reason = failure_reason(exc)
    with engine.begin() as connection:
        ledger = repository.get(connection, ledger_file_id, for_update=True)
        kind = _incident_kind(exc)
        if kind is not None:
            repository.record_incident(connection, ledger_file_id, kind, reason)
        if ledger.status.unprocessed:
            repository.set_status(connection, ledger_file_id, Status.FAILED, error=reason)
    log.warning("ledger file %s failed: %s", ledger_file_id, reason, extra={"ledger_file_id": ledger_file_id})
    return reason

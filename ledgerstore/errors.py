"""Exceptions of the storage core.

    LedgerStoreError                    root; `transient` says whether a retry may succeed
    ├── ConfigurationError              settings are missing or contradictory
    ├── UploadRejectedError             the file given cannot be uploaded (e.g. over the size limit)
    ├── DatabaseError                   PostgreSQL failed (driver errors are translated here)
    │   └── DatabaseUnavailableError    cannot connect / embedded server will not start (transient)
    ├── ObjectStoreError                an object store operation failed
    │   ├── ObjectExistsError           write-once: the key already exists
    │   ├── ObjectNotFoundError         no object at that key
    │   ├── InvalidKeyError             the key would escape the store's root, or is malformed
    │   └── ObjectStoreUnavailableError transient failure that outlived its retries (transient)
    ├── LedgerFileNotFoundError         no ledger file with that id
    ├── DuplicateUploadError            these bytes are already an upload of that account + year
    ├── StatusTransitionError           a ledger file cannot move from its status to another
    ├── PartitionGoneError              a ledger's hot rows were removed before they were read
    ├── ArtifactFormatError             bytes that are not a well-formed artifact of their version
    ├── ArtifactConflictError           an artifact with other records already holds the key
    ├── ArtifactIntegrityError          a stored artifact does not match its recorded checksum
    ├── RecordsIntegrityError           served (hot) records do not match their recorded checksum
    └── LedgerUnavailableError          no tier can serve a ledger file (e.g. raw file missing)

Messages name the thing (key, ledger file id, URL without credentials) and say what to do.
Database driver errors are translated at one boundary, `wrap_exceptions`, which the repository
modules (`ledgerstore.ledgers.repository`, `ledgerstore.hot`) wrap their work in; object-store
errors at each store's own boundary. `is_transient` says whether a retry may succeed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import sqlalchemy as sa


class LedgerStoreError(Exception):
    """Root of every error this package raises on purpose."""

    transient: bool = False

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class ConfigurationError(LedgerStoreError):
    """Settings are missing, malformed or contradictory."""


class UploadRejectedError(LedgerStoreError):
    """The file handed to an upload cannot be taken as it is (too large); nothing was stored."""


class DatabaseError(LedgerStoreError):
    """A PostgreSQL operation failed."""


class DatabaseUnavailableError(DatabaseError):
    """PostgreSQL cannot be reached or started; a later retry may succeed."""

    transient = True


class ObjectStoreError(LedgerStoreError):
    """An object store operation failed. `key` names the object when there is one."""

    def __init__(self, message: str, *, key: str | None = None) -> None:
        self.key = key
        super().__init__(message)


class ObjectExistsError(ObjectStoreError):
    """Write-once: an object already exists at the key; it was not overwritten."""


class ObjectNotFoundError(ObjectStoreError):
    """No object exists at the key."""


class InvalidKeyError(ObjectStoreError):
    """The key is empty, absolute, contains `..`, a NUL byte or another forbidden part."""


class ObjectStoreUnavailableError(ObjectStoreError):
    """The store kept failing transiently (timeouts, 429, 5xx) past the retry budget."""

    transient = True


class LedgerFileNotFoundError(LedgerStoreError):
    """No ledger file has the requested id."""

    def __init__(self, ledger_file_id: int) -> None:
        self.ledger_file_id = ledger_file_id
        super().__init__(f"ledger file {ledger_file_id} does not exist")


class DuplicateUploadError(LedgerStoreError):
    """The same bytes were uploaded for the same account + fiscal year (concurrently): one row wins."""


class StatusTransitionError(LedgerStoreError):
    """A ledger file was asked to move to a status its current one does not lead to."""

    def __init__(self, ledger_file_id: int, target: str) -> None:
        self.ledger_file_id = ledger_file_id
        self.target = target
        super().__init__(f"ledger file {ledger_file_id} cannot become {target} from its current status")


class PartitionGoneError(LedgerStoreError):
    """The ledger's hot rows were removed (it was superseded) before they could be read."""


class ArtifactFormatError(LedgerStoreError):
    """The bytes are not a well-formed artifact (truncated, corrupt, or not ours)."""


class ArtifactConflictError(LedgerStoreError):
    """Write-once: the artifact key holds records other than the ones being frozen."""

    def __init__(self, ledger_file_id: int, key: str) -> None:
        self.ledger_file_id = ledger_file_id
        self.key = key
        super().__init__(
            f"ledger file {ledger_file_id}: an artifact with different records already exists at {key};"
            " it was not overwritten (run `ledgerstore verify` and `ledgerstore drift`)"
        )


class ArtifactIntegrityError(LedgerStoreError):
    """A stored artifact's bytes or records do not match what the database recorded."""

    def __init__(self, ledger_file_id: int, kind: str, detail: str) -> None:
        self.ledger_file_id = ledger_file_id
        self.kind = kind
        self.detail = detail
        super().__init__(f"ledger file {ledger_file_id}: artifact integrity check failed: {detail}")


class RecordsIntegrityError(LedgerStoreError):
    """The records a stream served do not match the ledger's recorded checksum (tampered hot rows).

    Raised at the end of the stream, so a consumer may already have seen rows; the incident is
    recorded and later reads of the ledger are served from its verified artifact.
    """

    def __init__(self, ledger_file_id: int, detail: str) -> None:
        self.ledger_file_id = ledger_file_id
        self.detail = detail
        super().__init__(
            f"ledger file {ledger_file_id}: the records served do not match their recorded checksum"
            f" ({detail}); an integrity incident was recorded, run `ledgerstore verify`"
        )


class LedgerUnavailableError(LedgerStoreError):
    """No tier can serve the ledger file's records; the message says why and what to do."""

    def __init__(self, ledger_file_id: int, reason: str) -> None:
        self.ledger_file_id = ledger_file_id
        super().__init__(f"ledger file {ledger_file_id} cannot be served: {reason}")


def is_transient(exc: BaseException) -> bool:
    """True when a later attempt may succeed: unreachable database or object store, timeouts."""
    if isinstance(exc, LedgerStoreError):
        return exc.transient
    if isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(
        exc, sa.exc.OperationalError | psycopg.OperationalError | ConnectionError | TimeoutError
    )


@contextmanager
def wrap_exceptions(action: str) -> Iterator[None]:
    """Turn driver errors raised inside the block into `DatabaseError`s (also a decorator).

    Unreachable servers, dropped connections and timeouts become `DatabaseUnavailableError`
    (transient); any other SQLAlchemy or psycopg error a `DatabaseError` naming `action`.
    """
    try:
        yield
    except (sa.exc.SQLAlchemyError, psycopg.Error) as exc:
        if _driver_transient(exc):
            raise DatabaseUnavailableError(
                f"{action}: the database is unreachable ({_first_line(exc)})"
            ) from exc
        raise DatabaseError(f"{action}: {_first_line(exc)}") from exc


def _driver_transient(exc: BaseException) -> bool:
    if isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, sa.exc.OperationalError | psycopg.OperationalError)


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()
    return text[0] if text else type(orig).__name__

"""Exceptions of the storage core.

    LedgerStoreError                    root; `transient` says whether a retry may succeed
    ├── ConfigurationError              settings are missing or contradictory
    ├── DatabaseError                   PostgreSQL failed (driver errors are translated here)
    │   └── DatabaseUnavailableError    cannot connect / embedded server will not start (transient)
    ├── ObjectStoreError                an object store operation failed
    │   ├── ObjectExistsError           write-once: the key already exists
    │   ├── ObjectNotFoundError         no object at that key
    │   ├── InvalidKeyError             the key would escape the store's root, or is malformed
    │   └── ObjectStoreUnavailableError transient failure that outlived its retries (transient)
    ├── LedgerFileNotFoundError         no ledger file with that id
    ├── ArtifactConflictError           an artifact with other records already holds the key
    ├── ArtifactIntegrityError          a stored artifact does not match its recorded checksum
    └── LedgerUnavailableError          no tier can serve a ledger file (e.g. raw file missing)

Messages name the thing (key, ledger file id, URL without credentials) and say what to do.
Foreign exceptions are translated at one boundary per component, with `raise ... from exc`.
"""

from __future__ import annotations


class LedgerStoreError(Exception):
    """Root of every error this package raises on purpose."""

    transient: bool = False

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class ConfigurationError(LedgerStoreError):
    """Settings are missing, malformed or contradictory."""


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


class LedgerUnavailableError(LedgerStoreError):
    """No tier can serve the ledger file's records; the message says why and what to do."""

    def __init__(self, ledger_file_id: int, reason: str) -> None:
        self.ledger_file_id = ledger_file_id
        super().__init__(f"ledger file {ledger_file_id} cannot be served: {reason}")

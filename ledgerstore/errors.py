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
    └── LedgerFileNotFoundError         no ledger file with that id

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

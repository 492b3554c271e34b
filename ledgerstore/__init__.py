"""ledgerstore: general ledgers hot in PostgreSQL, cold as artifacts, served from any tier.

The public API:

    from ledgerstore import LedgerStore
    store = LedgerStore.open()
"""

from ledgerstore.errors import (
    ArtifactConflictError,
    ArtifactIntegrityError,
    ConfigurationError,
    DatabaseError,
    DatabaseUnavailableError,
    LedgerFileNotFoundError,
    LedgerStoreError,
    LedgerUnavailableError,
    ObjectStoreError,
    RecordsIntegrityError,
)
from ledgerstore.ledgers.model import LedgerFile
from ledgerstore.ledgers.status import Status
from ledgerstore.serve.recordset import RecordSet, Tier
from ledgerstore.settings import Settings
from ledgerstore.store import LedgerStore

__all__ = [
    "ArtifactConflictError",
    "ArtifactIntegrityError",
    "ConfigurationError",
    "DatabaseError",
    "DatabaseUnavailableError",
    "LedgerFile",
    "LedgerFileNotFoundError",
    "LedgerStore",
    "LedgerStoreError",
    "LedgerUnavailableError",
    "ObjectStoreError",
    "RecordSet",
    "RecordsIntegrityError",
    "Settings",
    "Status",
    "Tier",
]

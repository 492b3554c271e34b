"""What an operation runs on: an engine, an object store, the artifact formats (and settings).

`LedgerStore` satisfies it, so callers hand over a store; operations never import the facade.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.engine import Engine

from ledgerstore.artifacts.codec import CodecRegistry
from ledgerstore.artifacts.formats import DEFAULT_CODECS
from ledgerstore.db.database import open_database
from ledgerstore.objectstore import RetryPolicy, open_object_store
from ledgerstore.objectstore.base import ObjectStore
from ledgerstore.settings import Settings


class Storage(Protocol):
    """The engine and object store an operation reads and writes; `settings` when it has them."""

    @property
    def engine(self) -> Engine: ...

    @property
    def objects(self) -> ObjectStore: ...

    @property
    def settings(self) -> Settings | None: ...

    @property
    def codecs(self) -> CodecRegistry: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class OpenedStorage:
    """An engine and object store opened from settings (a backfill child process opens its own)."""

    engine: Engine
    objects: ObjectStore
    settings: Settings | None = None
    codecs: CodecRegistry = DEFAULT_CODECS

    @classmethod
    def open(cls, settings: Settings) -> OpenedStorage:
        engine = open_database(settings)
        return cls(engine=engine, objects=open_objects(settings), settings=settings)


def open_objects(settings: Settings) -> ObjectStore:
    """The configured object store, its waits bounded by the settings' timeouts and deadline."""
    retry = RetryPolicy(
        connect_timeout=settings.object_connect_timeout,
        read_timeout=settings.object_read_timeout,
        deadline=settings.object_retry_deadline,
    )
    return open_object_store(settings.resolved_object_url, home=settings.home, retry=retry)

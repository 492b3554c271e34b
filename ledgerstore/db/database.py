"""Opening the database: resolve the URL, build the engine, make sure the schema is current.

Driver errors are translated by `ledgerstore.errors.wrap_exceptions`.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from ledgerstore.db.engine import create_engine, resolve_database_url
from ledgerstore.db.migrate import ensure_schema
from ledgerstore.errors import wrap_exceptions
from ledgerstore.settings import Settings


def open_database(settings: Settings, *, migrate: bool = True) -> Engine:
    """An engine on the configured database, with the schema migrated to the newest version.

    Starts the embedded server first when no database URL is configured.
    """
    url = resolve_database_url(settings)
    engine = create_engine(
        url,
        connect_timeout=settings.database_connect_timeout,
        statement_timeout=settings.statement_timeout,
        lock_timeout=settings.lock_timeout,
    )
    if migrate:
        with wrap_exceptions("migrating the database schema"):
            ensure_schema(engine)
    return engine

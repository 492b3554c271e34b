"""Opening the database: resolve the URL, build the engine, make sure the schema is current.

Driver errors are translated here, at one boundary, into `ledgerstore.errors` types.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from ledgerstore.db.engine import create_engine, resolve_database_url
from ledgerstore.db.migrate import ensure_schema
from ledgerstore.errors import DatabaseError, DatabaseUnavailableError
from ledgerstore.settings import Settings


@contextmanager
def translate_database_errors(action: str) -> Iterator[None]:
    """Turn SQLAlchemy/psycopg errors raised inside the block into `DatabaseError`s."""
    try:
        yield
    except sa.exc.OperationalError as exc:
        raise DatabaseUnavailableError(f"{action}: the database is unreachable ({_first_line(exc)})") from exc
    except sa.exc.SQLAlchemyError as exc:
        raise DatabaseError(f"{action}: {_first_line(exc)}") from exc


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()
    return text[0] if text else type(orig).__name__


def open_database(settings: Settings, *, migrate: bool = True) -> Engine:
    """An engine on the configured database, with the schema migrated to the newest version.

    Starts the embedded server first when no database URL is configured.
    """
    url = resolve_database_url(settings)
    engine = create_engine(url)
    if migrate:
        with translate_database_errors("migrating the database schema"):
            ensure_schema(engine)
    return engine

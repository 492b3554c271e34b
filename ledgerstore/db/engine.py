"""The SQLAlchemy engine: to the embedded server by default, or to `LEDGERSTORE_DATABASE_URL`."""

from __future__ import annotations

import contextlib

import psycopg
import sqlalchemy as sa
from psycopg import sql
from sqlalchemy.engine import URL, Engine, make_url

from ledgerstore.db.embedded import start_embedded
from ledgerstore.errors import ConfigurationError, DatabaseUnavailableError
from ledgerstore.settings import Settings


def sqlalchemy_url(url: str) -> URL:
    """Parse a PostgreSQL URL and make SQLAlchemy use psycopg 3 for it."""
    try:
        parsed = make_url(url)
    except sa.exc.ArgumentError as exc:
        raise ConfigurationError("the database URL is not a valid URL") from exc
    if parsed.get_backend_name() != "postgresql":
        raise ConfigurationError(f"the database must be PostgreSQL, not {parsed.get_backend_name()}")
    return parsed.set(drivername="postgresql+psycopg")


def libpq_url(url: URL) -> str:
    """The same URL as libpq (psycopg.connect) wants it: plain `postgresql://` scheme."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def ensure_database(server_url: URL, name: str) -> None:
    """Create database `name` on the server unless it exists (safe when processes race)."""
    admin = libpq_url(server_url.set(database="postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            return
        # Another process may create it between our check and our CREATE: that is fine.
        with contextlib.suppress(psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation):
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def resolve_database_url(settings: Settings) -> URL:
    """The URL of the database to use, starting the embedded server first if needed."""
    if settings.database_url is not None:
        return sqlalchemy_url(settings.database_url)
    server = start_embedded(settings.pgdata)
    server_url = sqlalchemy_url(server.uri)
    try:
        ensure_database(server_url, settings.database_name)
    except psycopg.OperationalError as exc:
        raise DatabaseUnavailableError(f"cannot connect to the embedded server in {settings.pgdata}") from exc
    return server_url.set(database=settings.database_name)


def create_engine(url: URL, *, pool_size: int = 5) -> Engine:
    """An engine for `url` with connections checked before use (a restarted server is survived)."""
    return sa.create_engine(url, pool_size=pool_size, pool_pre_ping=True, future=True)

"""The SQLAlchemy engine: to the embedded server by default, or to `LEDGERSTORE_DATABASE_URL`."""

from __future__ import annotations

import contextlib
import math

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


def ensure_database(server_url: URL, name: str, *, connect_timeout: float = 10.0) -> None:
    """Create database `name` on the server unless it exists (safe when processes race)."""
    admin = libpq_url(server_url.set(database="postgres"))
    with psycopg.connect(admin, autocommit=True, connect_timeout=_whole_seconds(connect_timeout)) as conn:
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
        ensure_database(server_url, settings.database_name, connect_timeout=settings.database_connect_timeout)
    except psycopg.OperationalError as exc:
        raise DatabaseUnavailableError(f"cannot connect to the embedded server in {settings.pgdata}") from exc
    return server_url.set(database=settings.database_name)


def create_engine(
    url: URL,
    *,
    pool_size: int = 5,
    connect_timeout: float | None = None,
    statement_timeout: float = 0.0,
    lock_timeout: float = 0.0,
) -> Engine:
    """An engine for `url` with connections checked before use (a restarted server is survived).

    Every wait is bounded when asked: connecting (`connect_timeout`, libpq's, whole seconds),
    each statement and each lock wait (PostgreSQL's `statement_timeout` / `lock_timeout`, set
    per connection at start-up; 0 means no limit). A statement that outlives its limit fails
    with a `QueryCanceled` / `LockNotAvailable` error, which `wrap_exceptions` reports as the
    database being unavailable (a retry later may succeed).
    """
    options = f"-c statement_timeout={_millis(statement_timeout)} -c lock_timeout={_millis(lock_timeout)}"
    connect_args: dict[str, object] = {"options": options}
    if connect_timeout is not None:
        connect_args["connect_timeout"] = _whole_seconds(connect_timeout)
    return sa.create_engine(
        url, pool_size=pool_size, pool_pre_ping=True, future=True, connect_args=connect_args
    )


def _millis(seconds: float) -> int:
    return max(0, round(seconds * 1000))


def _whole_seconds(seconds: float) -> int:
    # libpq takes whole seconds, and treats 1 as 2; anything below 2 would be a surprise.
    return max(2, math.ceil(seconds))

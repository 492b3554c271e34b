"""What every subcommand that touches storage needs: settings from the environment, once."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy.exc
from sqlalchemy.engine import Engine, make_url

from ledgerstore import LedgerStore
from ledgerstore.db.database import open_database
from ledgerstore.errors import ConfigurationError
from ledgerstore.objectstore import check_object_url
from ledgerstore.settings import Settings


def settings_from_env() -> Settings:
    """The only place the CLI reads the environment; settings are checked before anything runs."""
    settings = Settings.from_env(os.environ)
    check_object_url(settings.resolved_object_url)
    if settings.database_url is not None:
        _check_database_url(settings.database_url)
    return settings


def _check_database_url(url: str) -> None:
    try:
        scheme = make_url(url).get_backend_name()
    except sqlalchemy.exc.ArgumentError:
        raise ConfigurationError(
            "LEDGERSTORE_DATABASE_URL is not a database URL (use postgresql://user:pass@host/db)"
        ) from None
    if scheme != "postgresql":
        raise ConfigurationError(f"LEDGERSTORE_DATABASE_URL must name a PostgreSQL server, not {scheme!r}")


@contextmanager
def engine_from_env(*, migrate: bool = True) -> Iterator[Engine]:
    """An engine on the configured database, disposed (its pooled connections closed) on exit."""
    engine = open_database(settings_from_env(), migrate=migrate)
    try:
        yield engine
    finally:
        engine.dispose()


def store_from_env() -> LedgerStore:
    return LedgerStore.open(settings_from_env())

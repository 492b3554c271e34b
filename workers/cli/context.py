"""What every subcommand that touches storage needs: settings from the environment, once."""

from __future__ import annotations

import os

from sqlalchemy.engine import Engine

from ledgerstore import LedgerStore
from ledgerstore.db.database import open_database
from ledgerstore.settings import Settings


def settings_from_env() -> Settings:
    """The only place the CLI reads the environment."""
    return Settings.from_env(os.environ)


def engine_from_env(*, migrate: bool = True) -> Engine:
    return open_database(settings_from_env(), migrate=migrate)


def store_from_env() -> LedgerStore:
    return LedgerStore.open(settings_from_env())

"""PostgreSQL waits are bounded: statement_timeout and lock_timeout from the settings."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from ledgerstore import Settings
from ledgerstore.db.database import open_database
from ledgerstore.errors import DatabaseUnavailableError, wrap_exceptions


def test_settings_timeouts_are_set_on_every_connection(settings: Settings) -> None:
    engine = open_database(settings.with_changes(statement_timeout=1.5, lock_timeout=0.25))
    try:
        with engine.connect() as connection:
            shown = [
                connection.execute(sa.text(f"SHOW {name}")).scalar_one()
                for name in ("statement_timeout", "lock_timeout")
            ]
        assert shown == ["1500ms", "250ms"]
        started = time.monotonic()
        with (
            pytest.raises(DatabaseUnavailableError),
            wrap_exceptions("sleeping"),
            engine.connect() as connection,
        ):
            connection.execute(sa.text("SELECT pg_sleep(30)"))
        assert time.monotonic() - started < 10
    finally:
        engine.dispose()


def test_a_held_lock_is_waited_for_at_most_lock_timeout(settings: Settings) -> None:
    engine = open_database(settings.with_changes(lock_timeout=0.5))
    try:
        with engine.connect() as holder, engine.connect() as waiter:
            holder.begin()
            holder.execute(sa.text("LOCK TABLE ledger_files IN ACCESS EXCLUSIVE MODE"))
            started = time.monotonic()
            with pytest.raises(DatabaseUnavailableError, match="lock timeout"), wrap_exceptions("reading"):
                waiter.execute(sa.text("SELECT count(*) FROM ledger_files"))
            assert time.monotonic() - started < 10
            holder.rollback()
    finally:
        engine.dispose()


def test_batch_settings_keep_no_limit_as_no_limit(settings: Settings) -> None:
    engine = open_database(settings.with_changes(statement_timeout=0.0).for_batch())
    try:
        with engine.connect() as connection:
            assert connection.execute(sa.text("SHOW statement_timeout")).scalar_one() == "0"
    finally:
        engine.dispose()

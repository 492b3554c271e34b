"""Schema migrations (Alembic), applied on first use and by `ledgerstore db upgrade`.

All pending migrations run in one transaction under a PostgreSQL advisory lock, so several
processes opening a fresh database at once migrate it exactly once, and a crash mid-way leaves
the previous schema intact (PostgreSQL DDL is transactional).
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

#: Advisory lock key held while migrating ("LEDGMIGR" as 8 bytes).
MIGRATION_LOCK_KEY = int.from_bytes(b"LEDGMIGR", "big") - 2**63


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration pointing at our migrations, bound to `connection`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest migration shipped with this version of ledgerstore."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migrations shipped"
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision the connected database is at (None for an empty database)."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Migrate the database to `revision` (default: the newest). Returns the revision reached."""
    with engine.begin() as connection:
        connection.execute(sa.select(sa.func.pg_advisory_xact_lock(MIGRATION_LOCK_KEY)))
        command.upgrade(alembic_config(connection), revision)
        return current_revision(connection)


def ensure_schema(engine: Engine) -> None:
    """Migrate to the newest schema unless the database is already there (cheap when it is)."""
    with engine.connect() as connection:
        if current_revision(connection) == head_revision():
            return
    upgrade(engine)

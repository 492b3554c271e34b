"""Schema migrations (Alembic), applied on first use and by `ledgerstore db upgrade`.

All pending migrations run in one transaction under a PostgreSQL advisory lock, so several
processes opening a fresh database at once migrate it exactly once, and a crash mid-way leaves
the previous schema intact (PostgreSQL DDL is transactional).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

#: Advisory lock key held while migrating ("LEDGMIGR" as 8 bytes).
MIGRATION_LOCK_KEY = int.from_bytes(b"LEDGMIGR", "big") - 2**63


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration pointing at our migrations, bound to `connection`."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest migration shipped with this version of ledgerstore."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migrations shipped"
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision the connected database is at (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Migrate the database to `revision` (default: the newest). Returns the revision reached."""
    from alembic import command

    with engine.begin() as connection:
        connection.execute(sa.select(sa.func.pg_advisory_xact_lock(MIGRATION_LOCK_KEY)))
        command.upgrade(alembic_config(connection), revision)
        return current_revision(connection)


def shipped_head() -> str:
    """`head_revision()` from the migration files' names alone (`NNNN_what.py` holds revision NNNN).

    Opening a store checks the schema on every run; reading the names instead of loading the
    scripts keeps Alembic (a quarter of a second of imports) out of every command whose schema
    is current. `tests/integration/test_migrations.py` checks the two agree.
    """
    return max(path.name.partition("_")[0] for path in (MIGRATIONS_DIR / "versions").glob("[0-9]*_*.py"))


def stored_revision(connection: Connection) -> str | None:
    """`current_revision` with one plain query: None for an empty database (or several heads)."""
    if not connection.execute(sa.text("SELECT to_regclass('alembic_version') IS NOT NULL")).scalar_one():
        return None
    versions = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()
    return versions[0] if len(versions) == 1 else None


def ensure_schema(engine: Engine) -> None:
    """Migrate to the newest schema unless the database is already there (cheap when it is)."""
    with engine.connect() as connection:
        if stored_revision(connection) == shipped_head():
            return
    upgrade(engine)

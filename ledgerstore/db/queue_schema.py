"""procrastinate's tables, managed by our Alembic migrations (not by `procrastinate schema`).

Migration 0002 applies a copy of procrastinate's `schema.sql` for the version named here,
kept beside the migrations so that the migration produces the same schema forever, whatever
procrastinate is installed later. Upgrading procrastinate past a release that ships schema
migrations needs a new Alembic revision applying them: `unapplied_queue_migrations` lists
them, and a unit test fails until that revision exists.
"""

from __future__ import annotations

import re
from pathlib import Path

#: The procrastinate release whose schema migration 0002 applies.
SCHEMA_VERSION = "3.10.0"

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "db" / "migrations" / "sql" / "procrastinate-3.10.0.sql"

_MIGRATION_NAME = re.compile(r"^(\d+)\.(\d+)\.(\d+)_\d+_.*\.sql$")


def schema_sql() -> str:
    """The SQL that creates procrastinate's tables, types, functions and triggers."""
    return SCHEMA_FILE.read_text(encoding="utf-8")


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def unapplied_queue_migrations(migrations_dir: Path | None = None) -> list[str]:
    """procrastinate schema migrations newer than `SCHEMA_VERSION` (none when we are current)."""
    if migrations_dir is None:
        from procrastinate.schema import SchemaManager

        migrations_dir = Path(SchemaManager.get_migrations_path())
    ours = _version(SCHEMA_VERSION)
    newer = []
    for path in sorted(migrations_dir.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if match and tuple(int(g) for g in match.groups()) > ours:
            newer.append(path.name)
    return newer

"""The migrated schema is exactly the declared one, and migrating is safe to repeat and to race."""

from __future__ import annotations

import threading

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import URL

from ledgerstore.db.engine import create_engine
from ledgerstore.db.migrate import (
    current_revision,
    ensure_schema,
    head_revision,
    shipped_head,
    stored_revision,
    upgrade,
)
from ledgerstore.db.schema import metadata
from ledgerstore.db.schema_filter import include_object
from normalizer.record import RECORD_SCHEMA


def _migrated(url: URL) -> sa.Engine:
    engine = create_engine(url)
    upgrade(engine)
    return engine


def test_migrated_schema_has_no_difference_from_declared_models(empty_database_url: URL) -> None:
    engine = _migrated(empty_database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"include_object": include_object, "compare_type": True, "compare_server_default": True},
        )
        assert compare_metadata(context, metadata) == []
    engine.dispose()


def test_constraints_and_indexes_match_declared_models(empty_database_url: URL) -> None:
    # Alembic's comparison does not cover CHECK constraints or partial indexes: compare them here.
    engine = _migrated(empty_database_url)
    inspector = sa.inspect(engine)
    for table in metadata.sorted_tables:
        declared_checks = {c.name for c in table.constraints if isinstance(c, sa.CheckConstraint)}
        migrated_checks = {c["name"] for c in inspector.get_check_constraints(table.name)}
        assert migrated_checks == declared_checks, table.name
        declared_uniques = {c.name for c in table.constraints if isinstance(c, sa.UniqueConstraint)}
        migrated_uniques = {c["name"] for c in inspector.get_unique_constraints(table.name)}
        assert migrated_uniques == declared_uniques, table.name
        declared_indexes = {(i.name, bool(i.unique)) for i in table.indexes}
        migrated_indexes = {
            (i["name"], bool(i["unique"]))
            for i in inspector.get_indexes(table.name)
            if "duplicates_constraint" not in i  # the index behind a UNIQUE constraint
        }
        assert migrated_indexes == declared_indexes, table.name
    with engine.connect() as connection:
        partition_key = connection.execute(
            sa.text("SELECT pg_get_partkeydef('hot_records'::regclass)")
        ).scalar_one()
        one_active = connection.execute(
            sa.text("SELECT indexdef FROM pg_indexes WHERE indexname = 'uq_ledger_files_one_active'")
        ).scalar_one()
    assert partition_key == "LIST (slot)"
    assert "WHERE (status = 'active'::text)" in one_active
    engine.dispose()


def test_upgrade_is_idempotent_and_reaches_head(empty_database_url: URL) -> None:
    engine = _migrated(empty_database_url)
    assert upgrade(engine) == head_revision()
    ensure_schema(engine)
    with engine.connect() as connection:
        assert current_revision(connection) == head_revision()
    engine.dispose()


def test_concurrent_first_use_migrates_once(empty_database_url: URL) -> None:
    engines = [create_engine(empty_database_url) for _ in range(4)]
    errors: list[BaseException] = []

    def first_use(engine: sa.Engine) -> None:
        try:
            ensure_schema(engine)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=first_use, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with engines[0].connect() as connection:
        assert current_revision(connection) == head_revision()
        versions = connection.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar_one()
    assert versions == 1
    for engine in engines:
        engine.dispose()


def test_the_migrated_hot_table_is_the_declared_record(empty_database_url: URL) -> None:
    # Declared and migrated schemas are compared above; this ties both to the record's one
    # declaration: column names, order, types and nullability.
    engine = _migrated(empty_database_url)
    types = {"id": "bigint", "integer": "integer", "date": "date", "text": "text", "money": "numeric"}
    types["mapping"] = "jsonb"
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT attname, format_type(atttypid, atttypmod), NOT attnotnull FROM pg_attribute"
                " WHERE attrelid = 'hot_records'::regclass AND attnum > 0 AND NOT attisdropped"
                " ORDER BY attnum"
            )
        ).all()
    declared = [(f.name, types[f.kind], f.nullable) for f in RECORD_SCHEMA]
    assert [tuple(row) for row in rows] == [*declared, ("slot", "bigint", False)]  # then the partition key
    engine.dispose()


def test_the_head_read_from_file_names_is_alembics_head() -> None:
    # `ensure_schema` compares with the names alone, so Alembic is imported only to migrate.
    assert shipped_head() == head_revision()


def test_the_stored_revision_is_alembics_at_every_step(empty_database_url: URL) -> None:
    engine = create_engine(empty_database_url)
    with engine.connect() as connection:
        assert stored_revision(connection) is None
        assert current_revision(connection) is None
    upgrade(engine, "0003")
    with engine.connect() as connection:
        assert stored_revision(connection) == current_revision(connection) == "0003"
    ensure_schema(engine)  # behind the head: migrated
    with engine.connect() as connection:
        assert stored_revision(connection) == current_revision(connection) == head_revision()
    engine.dispose()

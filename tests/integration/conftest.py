"""Fixtures for pipeline tests: a LedgerStore on this test's database and a local object store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ledgerstore import LedgerStore, Settings

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture
def store(settings: Settings) -> Iterator[LedgerStore]:
    store = LedgerStore.open(settings)
    yield store
    store.close()


@pytest.fixture
def ledger_fixture() -> Path:
    """Folder of small sample ledgers (three uploads of one account's fiscal year)."""
    return FIXTURES / "ledgers"

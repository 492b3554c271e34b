"""The whole pipeline over S3 (moto) behind a proxy that fails: transient errors are retried,
permanent ones surface as one clear error and leave nothing half-done."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from ledgerstore import LedgerStore, ObjectStoreError
from ledgerstore.db.schema import ledger_files
from ledgerstore.objectstore.retry import RetryPolicy
from tests.objectstore.flaky_proxy import FlakyProxy
from tests.objectstore.servers import make_s3_store

LEDGER = Path(__file__).resolve().parents[2] / "fixtures" / "ledgers" / "acme-2025-v1.csv"


@pytest.fixture
def faulty_store(
    engine: sa.Engine,
    s3_bucket: str,
    moto_endpoint: str,
    fast_retry: RetryPolicy,
    flaky_proxy: Callable[[str], FlakyProxy],
) -> tuple[LedgerStore, FlakyProxy]:
    proxy = flaky_proxy(moto_endpoint)
    return LedgerStore(engine=engine, objects=make_s3_store(s3_bucket, proxy.url, fast_retry)), proxy


def test_transient_failures_during_ingest_are_retried(faulty_store: tuple[LedgerStore, FlakyProxy]) -> None:
    store, proxy = faulty_store
    # Three failures on the raw write (the fourth attempt succeeds), then the artifact write
    # lands but its reply is lost: the retry finds its own identical object and carries on.
    proxy.script("503", "drop", "503", "forward", "commit-then-503", only="PUT")
    ledger = store.ingest(LEDGER, account="ACME", fiscal_year=2025).ledger
    assert ledger.status == "active"
    assert [action for _, _, action in proxy.seen if action not in ("forward",)] == [
        "503",
        "drop",
        "503",
        "commit-then-503",
    ]
    with store.records(ledger.id) as records:
        assert len(records.to_list()) == 6


def test_a_permanent_failure_surfaces_and_changes_nothing(
    faulty_store: tuple[LedgerStore, FlakyProxy],
) -> None:
    store, proxy = faulty_store
    proxy.script("403", only="PUT")
    with pytest.raises(ObjectStoreError) as caught:
        store.ingest(LEDGER, account="ACME", fiscal_year=2025)
    assert not caught.value.transient
    with store.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(ledger_files)).scalar_one() == 0

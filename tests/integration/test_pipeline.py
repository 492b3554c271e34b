"""Upload, process, switch and serve: the core promise, on a real PostgreSQL and object store."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import sqlalchemy as sa

from ledgerstore import LedgerStore
from ledgerstore.hot.partitions import partition_exists
from normalizer.canonical import jsonl_lines
from normalizer.record import RECORD_FIELDS


def _jsonl(store: LedgerStore, ledger_file_id: int) -> tuple[str, bytes]:
    with store.records(ledger_file_id) as records:
        data = b"".join(jsonl_lines(records))
        assert records.served_sha256 == records.records_sha256
        return records.tier, data


def test_ingest_makes_the_upload_active_and_hot(store: LedgerStore, ledger_fixture: Path) -> None:
    result = store.ingest(ledger_fixture / "acme-2025-v1.csv", account="ACME", fiscal_year=2025)
    ledger = result.ledger
    assert result.created
    assert ledger.status == "active"
    assert ledger.record_count == 6
    assert ledger.debit_total == ledger.credit_total
    assert str(ledger.debit_total) == "1824.46"
    assert ledger.artifact_key == f"ledger-artifacts/{ledger.id}.json.gz"
    assert store.objects.exists(ledger.artifact_key)
    tier, data = _jsonl(store, ledger.id)
    assert tier == "hot"
    assert hashlib.sha256(data).hexdigest() == ledger.records_sha256
    assert data.count(b"\n") == 6


def test_identical_bytes_are_one_upload(store: LedgerStore, ledger_fixture: Path) -> None:
    first = store.ingest(ledger_fixture / "acme-2025-v1.csv", account="ACME", fiscal_year=2025)
    again = store.ingest(
        ledger_fixture / "acme-2025-v1.csv", account="ACME", fiscal_year=2025, name="renamed.csv"
    )
    assert not again.created
    assert again.ledger.id == first.ledger.id
    other_year = store.ingest(ledger_fixture / "acme-2025-v1.csv", account="ACME", fiscal_year=2024)
    assert other_year.created
    assert other_year.ledger.raw_key == first.ledger.raw_key  # content-addressed raw bytes are shared
    assert len(store.ledgers()) == 2


def test_three_uploads_leave_only_the_last_active_and_hot(store: LedgerStore, ledger_fixture: Path) -> None:
    ids = [
        store.ingest(ledger_fixture / f"acme-2025-v{n}.csv", account="ACME", fiscal_year=2025).ledger.id
        for n in (1, 2, 3)
    ]
    statuses = [store.ledger(i).status for i in ids]
    assert statuses == ["superseded", "superseded", "active"]
    assert store.active("ACME", 2025).id == ids[2]  # type: ignore[union-attr]
    assert [ledger.sequence for ledger in store.history("ACME", 2025)] == [1, 2, 3]
    with store.engine.connect() as connection:
        assert [partition_exists(connection, i) for i in ids] == [False, False, True]
        hot_ids = (
            connection.execute(sa.text("SELECT DISTINCT ledger_file_id FROM hot_records")).scalars().all()
        )
    assert hot_ids == [ids[2]]
    assert [_jsonl(store, i)[0] for i in ids] == ["cold", "cold", "hot"]


def test_an_older_upload_finishing_last_never_demotes_a_newer_one(
    store: LedgerStore, ledger_fixture: Path
) -> None:
    older = store.upload(ledger_fixture / "acme-2025-v1.csv", account="ACME", fiscal_year=2025).ledger
    newer = store.upload(ledger_fixture / "acme-2025-v2.csv", account="ACME", fiscal_year=2025).ledger
    assert store.process(newer.id).status == "active"
    late = store.process(older.id)
    assert late.status == "superseded"
    assert late.has_artifact  # frozen all the same
    assert store.active("ACME", 2025).id == newer.id  # type: ignore[union-attr]
    assert _jsonl(store, older.id)[0] == "cold"


def test_the_same_ledger_is_byte_identical_hot_cold_and_reprocessed(
    store: LedgerStore, ledger_fixture: Path
) -> None:
    ledger = store.ingest(ledger_fixture / "acme-2025-v1.csv", account="ACME", fiscal_year=2025).ledger
    hot = _jsonl(store, ledger.id)
    store.ingest(ledger_fixture / "acme-2025-v2.csv", account="ACME", fiscal_year=2025)
    cold = _jsonl(store, ledger.id)
    _flip_a_byte(store, ledger.artifact_key)  # type: ignore[arg-type]
    reprocessed = _jsonl(store, ledger.id)
    assert [hot[0], cold[0], reprocessed[0]] == ["hot", "cold", "reprocessed"]
    assert hot[1] == cold[1] == reprocessed[1]


def _flip_a_byte(store: LedgerStore, key: str) -> None:
    path = Path(store.objects.url.removeprefix("file://")) / key
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.chmod(0o644)
    path.write_bytes(bytes(data))


def test_a_file_that_cannot_be_normalized_fails_and_changes_nothing_else(
    store: LedgerStore, ledger_fixture: Path
) -> None:
    good = store.ingest(ledger_fixture / "acme-2025-v1.csv", account="ACME", fiscal_year=2025).ledger
    bad = store.ingest(
        b"\x00\x01\x02 binary garbage \xff\xfe" * 50, account="ACME", fiscal_year=2025, name="x.csv"
    )
    assert bad.ledger.status == "failed"
    assert bad.ledger.error
    assert store.objects.exists(bad.ledger.raw_key)  # the raw bytes stay
    assert store.active("ACME", 2025).id == good.id  # type: ignore[union-attr]
    assert _jsonl(store, good.id)[0] == "hot"


def test_processing_again_changes_nothing(store: LedgerStore, ledger_fixture: Path) -> None:
    ledger = store.ingest(ledger_fixture / "acme-2025-v1.csv", account="ACME", fiscal_year=2025).ledger
    again = store.process(ledger.id)
    assert again == ledger


@pytest.mark.parametrize("missing_raw", [False, True])
def test_a_corrupt_artifact_is_never_served(
    store: LedgerStore, ledger_fixture: Path, missing_raw: bool
) -> None:
    from ledgerstore import LedgerUnavailableError
    from ledgerstore.ledgers.repository import incidents

    old = store.ingest(ledger_fixture / "acme-2025-v1.csv", account="ACME", fiscal_year=2025).ledger
    store.ingest(ledger_fixture / "acme-2025-v2.csv", account="ACME", fiscal_year=2025)
    _flip_a_byte(store, old.artifact_key)  # type: ignore[arg-type]
    if missing_raw:
        store.objects.delete(old.raw_key)
        with pytest.raises(LedgerUnavailableError, match=f"ledger file {old.id} cannot be served.*raw file"):
            store.records(old.id)
    else:
        assert _jsonl(store, old.id)[0] == "reprocessed"
    with store.engine.connect() as connection:
        kinds = [kind for kind, _ in incidents(connection, old.id)]
    assert kinds[0] == "artifact_checksum"


def test_text_with_nul_characters_is_stored_and_served(store: LedgerStore) -> None:
    data = (
        b"Date,Journal ID,Account Number,Description,Debit,Credit\n"
        b"01/15/2025,J1,4000,bad\x00byte,,10.00\n"
        b"01/15/2025,J1,1200,ok,10.00,\n"
    )
    ledger = store.ingest(data, account="NUL", fiscal_year=2025, name="nul.csv").ledger
    assert ledger.status == "active"
    with store.records(ledger.id) as records:
        descriptions = [record.description for record in records]
    assert descriptions == ["bad\ufffdbyte", "ok"]


@pytest.mark.timeout(60)
def test_abandoning_a_stream_midway_releases_it(store: LedgerStore, ledger_fixture: Path) -> None:
    old = store.ingest(ledger_fixture / "acme-2025-v1.csv", account="ACME", fiscal_year=2025).ledger
    new = store.ingest(ledger_fixture / "acme-2025-v2.csv", account="ACME", fiscal_year=2025).ledger
    for ledger_id, tier in ((new.id, "hot"), (old.id, "cold")):
        records = store.records(ledger_id)
        assert records.tier == tier
        iterator = iter(records)
        next(iterator)
        next(iterator)
        records.close()  # a reader that stops early (a closed pipe, an exception) must not hang
    # The connection went back to the pool usable, and the ledger can be switched out.
    store.ingest(ledger_fixture / "acme-2025-v3.csv", account="ACME", fiscal_year=2025)
    assert store.active("ACME", 2025).sequence == 3  # type: ignore[union-attr]


def test_records_become_a_dataframe_with_exact_amounts(store: LedgerStore, ledger_fixture: Path) -> None:
    import datetime as dt
    from decimal import Decimal

    ledger = store.ingest(ledger_fixture / "acme-2025-v1.csv", account="ACME", fiscal_year=2025).ledger
    with store.records(ledger.id) as records:
        frame = records.to_dataframe()
    assert list(frame.columns) == list(RECORD_FIELDS)  # the order itself is pinned in test_artifact_format
    assert len(frame) == 6
    assert str(frame["ledger_file_id"].dtype) == "int64"
    assert frame["debit"].dtype == object
    assert all(isinstance(value, Decimal) for value in frame["debit"])
    assert sum(frame["debit"], Decimal(0)) == Decimal("1824.46")
    assert frame["posted_on"].iloc[0] == dt.date(2025, 1, 15)
    assert frame["attributes"].iloc[0] == {"Department": "Retail"}
    assert frame["row_number"].tolist() == [2, 3, 4, 5, 6, 7]  # the source lines

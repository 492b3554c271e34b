"""Raw bytes are hashed once per upload: an inline ingest normalizes the bytes it has just stored
(no read-back), while processing a stored upload later still reads them back and checks them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ledgerstore import LedgerStore
from ledgerstore.errors import LedgerUnavailableError
from ledgerstore.objectstore.memory import MemoryStore
from ledgerstore.raw import RAW_PREFIX, normalize_stored
from normalizer import NormalizeResult, normalize
from normalizer.canonical import jsonl_lines, records_sha256


class RawReadCounter(MemoryStore):
    """A memory store that counts reads of raw uploads (and can alter one, as a fault would)."""

    def __init__(self) -> None:
        super().__init__("raw-reads")
        self.raw_reads = 0

    def read_bytes(self, key: str) -> bytes:
        if key.startswith(RAW_PREFIX):
            self.raw_reads += 1
        return super().read_bytes(key)

    def alter(self, key: str, data: bytes) -> None:
        with self._lock:
            self._objects[key] = data


@pytest.fixture
def counted(store: LedgerStore) -> LedgerStore:
    return LedgerStore(engine=store.engine, objects=RawReadCounter(), settings=store.settings)


def _objects(store: LedgerStore) -> RawReadCounter:
    assert isinstance(store.objects, RawReadCounter)
    return store.objects


def test_inline_ingest_normalizes_the_bytes_in_hand(counted: LedgerStore, ledger_fixture: Path) -> None:
    path = ledger_fixture / "acme-2025-v1.csv"
    ledger = counted.ingest(path, account="ACME", fiscal_year=2025).ledger
    assert ledger.status == "active"
    assert _objects(counted).raw_reads == 0
    assert _objects(counted).read_bytes(ledger.raw_key) == path.read_bytes()
    expected = normalize(path, fiscal_year=2025, ledger_file_id=ledger.id).records
    with counted.records(ledger.id) as records:
        assert b"".join(jsonl_lines(records)) == b"".join(jsonl_lines(expected))


def test_a_stored_upload_is_read_back_and_checked(counted: LedgerStore, ledger_fixture: Path) -> None:
    path = ledger_fixture / "acme-2025-v1.csv"
    uploaded = counted.upload(path, account="ACME", fiscal_year=2025).ledger
    _objects(counted).alter(uploaded.raw_key, path.read_bytes().replace(b"2025", b"2024", 1))
    with pytest.raises(LedgerUnavailableError, match="does not match the sha256"):
        counted.process(uploaded.id)
    assert _objects(counted).raw_reads == 1


def test_bytes_in_hand_must_be_the_uploaded_ones(counted: LedgerStore, ledger_fixture: Path) -> None:
    path = ledger_fixture / "acme-2025-v1.csv"
    uploaded = counted.upload(path, account="ACME", fiscal_year=2025).ledger
    with pytest.raises(ValueError, match="not the"):
        normalize_stored(counted.objects, uploaded, data=path.read_bytes() + b"\n")
    result = normalize_stored(counted.objects, uploaded, data=path.read_bytes())
    assert result.records == normalize_stored(counted.objects, uploaded).records


def test_inline_ingest_normalizes_once_while_the_upload_is_stored(
    counted: LedgerStore, ledger_fixture: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ledgerstore import raw

    calls: list[int | None] = []

    def counting(data: bytes, **options: Any) -> NormalizeResult:
        calls.append(options["ledger_file_id"])
        return normalize(data, **options)

    monkeypatch.setattr(raw, "normalize", counting)
    path = ledger_fixture / "acme-2025-v2.csv"
    ledger = counted.ingest(path, account="ACME", fiscal_year=2025).ledger
    assert ledger.status == "active"
    assert calls == [ledger.id]  # once, for the id reserved before the row existed
    expected = normalize(path, fiscal_year=2025, ledger_file_id=ledger.id).records
    assert ledger.records_sha256 == records_sha256(expected)
    with counted.records(ledger.id) as records:
        assert [r.ledger_file_id for r in records] == [ledger.id] * len(expected)


def test_an_upload_that_cannot_be_normalized_fails_as_before(counted: LedgerStore, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    ledger = counted.ingest(path, account="ACME", fiscal_year=2025).ledger
    assert ledger.status == "failed"
    assert ledger.error

"""Legacy uploads: registered from a manifest, served by lazy backfill, reprocessed once."""

from __future__ import annotations

import threading
from pathlib import Path

from ledgerstore import LedgerStore


def _manifest(tmp_path: Path, ledger_fixture: Path) -> Path:
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        "path,account,fiscal_year,name,uploaded_at\n"
        f"{ledger_fixture / 'acme-2025-v2.csv'},ACME,2025,gl-march.csv,2025-04-02T09:00:00+00:00\n"
        f"{ledger_fixture / 'acme-2025-v1.csv'},ACME,2025,gl-feb.csv,2025-03-01T09:00:00\n"
        "missing.csv,ACME,2025,x.csv,2025-05-01\n"
        f"{ledger_fixture / 'acme-2025-v3.csv'},ACME,not-a-year,y.csv,2025-05-01\n"
    )
    return manifest


def test_register_brings_legacy_files_under_management_without_processing(
    store: LedgerStore, ledger_fixture: Path, tmp_path: Path
) -> None:
    summary = store.register(_manifest(tmp_path, ledger_fixture))
    assert [ledger.original_name for ledger in summary.registered] == ["gl-feb.csv", "gl-march.csv"]
    assert [ledger.sequence for ledger in summary.registered] == [1, 2]  # in upload-time order
    assert all(ledger.status == "registered" and not ledger.has_artifact for ledger in summary.registered)
    assert [line for line, _ in summary.errors] == [4, 5]
    again = store.register(_manifest(tmp_path, ledger_fixture))
    assert again.registered == []
    assert len(again.existing) == 2


def test_a_legacy_file_is_reprocessed_once_then_served_cold(
    store: LedgerStore, ledger_fixture: Path, tmp_path: Path
) -> None:
    legacy = store.register(_manifest(tmp_path, ledger_fixture)).registered[0]
    first = store.records(legacy.id)
    assert first.tier == "reprocessed"
    first_records = first.to_list()
    assert store.ledger(legacy.id).has_artifact  # lazy backfill saved the artifact
    second = store.records(legacy.id)
    assert second.tier == "cold"
    assert second.to_list() == first_records
    assert store.ledger(legacy.id).status == "registered"


def test_concurrent_readers_of_a_legacy_file_cause_one_reprocess(
    store: LedgerStore, ledger_fixture: Path, tmp_path: Path
) -> None:
    legacy = store.register(_manifest(tmp_path, ledger_fixture)).registered[0]
    results: list[tuple[str, str | None]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def read() -> None:
        try:
            barrier.wait()
            records = store.records(legacy.id)
            records.to_list()
            results.append((records.tier, records.served_sha256))
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    tiers = sorted(tier for tier, _ in results)
    assert tiers == ["cold"] * 7 + ["reprocessed"]
    assert len({sha for _, sha in results}) == 1


class RecordingObserver:
    def __init__(self) -> None:
        self.events: list[str] = []

    def served(self, tier: str) -> None:
        self.events.append(f"served:{tier}")

    def reprocessed(self) -> None:
        self.events.append("reprocessed")

    def integrity_incident(self, kind: str) -> None:
        self.events.append(f"incident:{kind}")


def test_every_read_is_reported_to_the_observer(
    store: LedgerStore, ledger_fixture: Path, tmp_path: Path
) -> None:
    observer = RecordingObserver()
    store.observe(observer)
    legacy = store.register(_manifest(tmp_path, ledger_fixture)).registered[0]
    store.records(legacy.id).close()
    store.records(legacy.id).close()
    assert observer.events == ["reprocessed", "served:reprocessed", "served:cold"]
    artifact = Path(store.objects.url.removeprefix("file://")) / (store.ledger(legacy.id).artifact_key or "")
    artifact.chmod(0o644)
    artifact.write_bytes(b"not gzip")
    store.records(legacy.id).close()
    assert observer.events[3:] == [
        "incident:artifact_checksum",
        "reprocessed",
        "incident:artifact_checksum",
        "served:reprocessed",
    ]

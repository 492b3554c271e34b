"""Concurrent switches never deadlock; a reader during a switch sees one whole ledger."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from ledgerstore import LedgerStore


def _run_threads(targets: list[Callable[[], None]]) -> list[BaseException]:
    errors: list[BaseException] = []

    def guarded(target: Callable[[], None]) -> None:
        try:
            target()
        except BaseException as exc:  # collected and asserted by the caller
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_concurrent_switches_of_many_pairs_all_complete(store: LedgerStore, ledger_fixture: Path) -> None:
    files = [ledger_fixture / f"acme-2025-v{n}.csv" for n in (1, 2, 3)]

    def uploads_of(account: str) -> Callable[[], None]:
        def run() -> None:
            for path in files:
                store.ingest(path, account=account, fiscal_year=2025)

        return run

    accounts = [f"ACC{i}" for i in range(6)]
    assert _run_threads([uploads_of(account) for account in accounts]) == []
    for account in accounts:
        history = store.history(account, 2025)
        assert [ledger.status for ledger in history] == ["superseded", "superseded", "active"]
        with store.records(history[-1].id) as records:
            assert records.tier == "hot"
            assert len(records.to_list()) == 6


def test_readers_during_switches_see_one_whole_ledger(store: LedgerStore, ledger_fixture: Path) -> None:
    store.ingest(ledger_fixture / "acme-2025-v1.csv", account="ACME", fiscal_year=2025)
    stop = threading.Event()
    seen: list[tuple[str, int, bool]] = []

    def reader() -> None:
        while not stop.is_set():
            active = store.active("ACME", 2025)
            assert active is not None
            with store.records(active.id) as records:
                rows = records.to_list()
                assert {record.ledger_file_id for record in rows} == {active.id}
                seen.append((records.tier, len(rows), records.served_sha256 == records.records_sha256))

    def writer() -> None:
        try:
            for n in (2, 3, 1, 2):  # re-uploading identical bytes is a no-op; that is fine too
                store.ingest(ledger_fixture / f"acme-2025-v{n}.csv", account="ACME", fiscal_year=2025)
        finally:
            stop.set()

    assert _run_threads([reader, reader, writer]) == []
    assert seen, "the readers read nothing"
    assert all(whole for _, _, whole in seen)
    assert {count for _, count, _ in seen} == {6}

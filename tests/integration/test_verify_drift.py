"""verify catches damaged artifacts, edited rows and edited hot rows; drift catches a normalizer change."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

import ledgerstore.raw
from ledgerstore import LedgerStore
from ledgerstore.ledgers.repository import incidents
from ledgerstore.ops.drift import drift
from ledgerstore.ops.verify import verify_store
from tests.e2e.cli import run_cli
from tests.workers.ledgers import ledger_csv


@pytest.fixture
def ledgers(store: LedgerStore) -> dict[str, int]:
    """Two accounts, three uploads each: two superseded (cold) and one active (hot) per account."""
    ids: dict[str, int] = {}
    for account in ("ACME", "GLOBEX"):
        for version in range(3):
            data = ledger_csv(version + (10 if account == "GLOBEX" else 0), entries=6)
            ids[f"{account}{version}"] = store.ingest(
                data, account=account, fiscal_year=2025, name="gl.csv"
            ).ledger.id
    return ids


def _kinds(store: LedgerStore, *, deep: bool = False) -> dict[int, str]:
    return {d.ledger_file_id: d.kind for d in verify_store(store, deep=deep).discrepancies}


def _path(store: LedgerStore, key: str | None) -> Path:
    assert key is not None
    return Path(store.objects.url.removeprefix("file://")) / key


def test_a_healthy_store_verifies_clean(store: LedgerStore, ledgers: dict[str, int]) -> None:
    report = verify_store(store, deep=True)
    assert report.ok
    assert (report.artifacts_checked, report.hot_checked) == (6, 2)


def test_verify_reports_raw_objects_no_ledger_file_refers_to(
    store: LedgerStore, ledgers: dict[str, int]
) -> None:
    """An upload killed between storing its bytes and creating its row leaves a raw object that
    nothing refers to: reported (not a discrepancy, never removed), and the referenced ones not."""
    assert verify_store(store).unreferenced_raw == ()
    orphan = ledgerstore.raw.store_raw(store.objects, b"Date,Debit\n2025-01-02,1.00\n", "killed.csv")
    report = verify_store(store)
    assert report.ok
    assert report.unreferenced_raw == (orphan.key,)
    assert report.as_dict()["unreferenced_raw"] == [orphan.key]

    assert store.settings is not None
    env = {
        "LEDGERSTORE_HOME": str(store.settings.home),
        "LEDGERSTORE_DATABASE_URL": store.settings.database_url or "",
        "LEDGERSTORE_OBJECT_URL": store.settings.resolved_object_url,
    }
    text = run_cli("verify", env=env)
    assert text.returncode == 0, text.stderr
    assert "Raw objects no ledger file refers to: 1" in text.stdout
    assert orphan.key in text.stdout

    # Uploading the same bytes adopts the object: it is referenced from then on.
    store.upload(b"Date,Debit\n2025-01-02,1.00\n", account="ACME", fiscal_year=2025, name="killed.csv")
    assert verify_store(store).unreferenced_raw == ()


def test_verify_catches_each_kind_of_damage(store: LedgerStore, ledgers: dict[str, int]) -> None:
    missing, flipped, miscounted = ledgers["ACME0"], ledgers["ACME1"], ledgers["GLOBEX0"]
    hot_debit, hot_text = ledgers["ACME2"], ledgers["GLOBEX2"]

    store.objects.delete(store.ledger(missing).artifact_key or "")
    path = _path(store, store.ledger(flipped).artifact_key)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.chmod(0o644)
    path.write_bytes(bytes(data))
    with store.engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE ledger_files SET record_count = record_count + 1 WHERE id = :id"),
            {"id": miscounted},
        )
        connection.execute(
            sa.text("UPDATE hot_records SET debit = debit + 1 WHERE ledger_file_id = :id AND row_number = 2"),
            {"id": hot_debit},
        )
        connection.execute(
            sa.text(
                "UPDATE hot_records SET description = 'edited' WHERE ledger_file_id = :id AND row_number = 3"
            ),
            {"id": hot_text},
        )

    found = _kinds(store)
    assert found == {
        missing: "artifact_missing",
        flipped: "artifact_checksum",
        miscounted: "artifact_count",
        hot_debit: "hot_mismatch",
    }  # an edit that keeps count and totals needs --deep
    assert _kinds(store, deep=True) == {**found, hot_text: "hot_mismatch"}

    with store.engine.connect() as connection:
        recorded = {i: [kind for kind, _ in incidents(connection, i)] for i in found}
    assert recorded == {i: [kind] for i, kind in found.items()}  # recorded once, not per run

    assert store.settings is not None
    env = {
        "LEDGERSTORE_HOME": str(store.settings.home),
        "LEDGERSTORE_DATABASE_URL": store.settings.database_url or "",
        "LEDGERSTORE_OBJECT_URL": store.settings.resolved_object_url,
    }
    result = run_cli("verify", "--deep", "--json", env=env)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert len(report["discrepancies"]) == 5
    assert all(d["action"] for d in report["discrepancies"])
    text = run_cli("verify", env=env)
    assert text.returncode == 1
    assert f"ledger file {missing}: artifact_missing:" in text.stdout
    assert "what to do:" in text.stdout


def test_drift_reports_nothing_for_an_unchanged_normalizer(
    store: LedgerStore, ledgers: dict[str, int]
) -> None:
    report = drift(store, sample=4)
    assert [ledger.ledger_file_id for ledger in report.ledgers] == sorted(ledgers.values())[:4]
    assert report.changed == []


def test_drift_catches_a_normalizer_change(
    store: LedgerStore, ledgers: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    original = ledgerstore.raw.normalize

    def changed_normalizer(*args: Any, **kwargs: Any) -> Any:
        # A "fix" that trims descriptions to 10 characters and drops the last record.
        result = original(*args, **kwargs)
        records = [dataclasses.replace(r, description=r.description[:10]) for r in result.records[:-1]]
        return dataclasses.replace(result, records=records)

    monkeypatch.setattr(ledgerstore.raw, "normalize", changed_normalizer)
    report = drift(store, sample=10, account="ACME")
    assert len(report.ledgers) == 3
    assert len(report.changed) == 3
    first = report.changed[0]
    assert first.frozen is not None and first.current is not None
    assert first.current.count == first.frozen.count - 1
    assert (
        first.current.debit_total != first.frozen.debit_total
        or first.current.credit_total != first.frozen.credit_total
    )
    assert first.first_differences[0].index == 0
    assert first.first_differences[0].frozen != first.first_differences[0].current
    assert first.differing_records == first.frozen.count

"""Backfill: 200 legacy files, a run killed midway, resumed, byte-identical, idempotent."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from psycopg import sql
from sqlalchemy.engine import URL

from ledgerstore import LedgerStore, Settings
from ledgerstore.db.engine import libpq_url
from ledgerstore.ops.backfill import BackfillScope, plan_backfill, run_backfill
from tests.conftest import TEMPLATE_DB
from tests.e2e.cli import ROOT, run_cli
from tests.workers.ledgers import write_legacy
from workers.worker import WorkerSettings, run_worker

LEGACY = 200


def _env(settings: Settings) -> dict[str, str]:
    return {
        "LEDGERSTORE_HOME": str(settings.home),
        "LEDGERSTORE_DATABASE_URL": settings.database_url or "",
        "LEDGERSTORE_OBJECT_URL": settings.resolved_object_url,
    }


def _artifacts(store: LedgerStore) -> dict[int, bytes]:
    return {
        ledger.id: store.objects.read_bytes(ledger.artifact_key)
        for ledger in store.ledgers(missing_artifact=False)
        if ledger.artifact_key is not None
    }


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_legacy(tmp_path_factory.mktemp("legacy"), LEGACY)


@pytest.fixture
def other_settings(pg_server_url: URL, template_url: URL, tmp_path: Path) -> Iterator[Settings]:
    """A second fresh database and object store, for a clean run to compare with."""
    name = f"ledgerstore_test_{uuid.uuid4().hex[:12]}"
    admin = libpq_url(pg_server_url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(TEMPLATE_DB)
            )
        )
    url = pg_server_url.set(database=name)
    yield Settings(
        home=tmp_path / "other-home",
        database_url=url.render_as_string(hide_password=False),
        object_url=(tmp_path / "other-objects").as_uri(),
    )
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _summary(result: subprocess.CompletedProcess[str]) -> dict[str, object]:
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


@pytest.mark.timeout(240)
def test_a_killed_backfill_resumes_to_byte_identical_artifacts(
    store: LedgerStore, settings: Settings, other_settings: Settings, manifest: Path
) -> None:
    assert len(store.register(manifest).registered) == LEGACY

    dry = _summary(run_cli("backfill", "--dry-run", "--json", env=_env(settings)))
    assert len(dry["would_create"]) == LEGACY  # type: ignore[arg-type]
    assert _artifacts(store) == {}
    assert list(store.objects.list("ledger-artifacts/")) == []

    killed = subprocess.Popen(
        [sys.executable, "-m", "workers.cli", "backfill"],
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("LEDGERSTORE_")}, **_env(settings)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while len(list(store.objects.list("ledger-artifacts/"))) < 40 and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        killed.send_signal(signal.SIGKILL)
        killed.wait()
    assert killed.returncode == -signal.SIGKILL
    done_before = len(store.ledgers(missing_artifact=False))
    assert 0 < done_before < LEGACY, "the run was not killed midway"

    resumed = _summary(run_cli("backfill", "--jobs", "2", "--json", env=_env(settings)))
    assert (resumed["created"], resumed["skipped"], resumed["errors"]) == (
        LEGACY - done_before,
        done_before,
        0,
    )
    third = _summary(run_cli("backfill", "--json", env=_env(settings)))
    assert (third["created"], third["skipped"], third["errors"]) == (0, LEGACY, 0)

    with LedgerStore.open(other_settings) as clean:
        clean.register(manifest)
        with clean.engine.connect() as connection:
            report = run_backfill(clean, plan_backfill(connection, BackfillScope()))
        assert (report.created, report.errors) == (LEGACY, [])
        expected = _artifacts(clean)
    got = _artifacts(store)
    assert len(got) == LEGACY
    assert got == expected


def test_an_active_ledger_is_frozen_from_its_hot_rows(store: LedgerStore, ledger_fixture: Path) -> None:
    ledger = store.ingest(ledger_fixture / "acme-2025-v1.csv", account="ACME", fiscal_year=2025).ledger
    assert ledger.artifact_key is not None
    original = store.objects.read_bytes(ledger.artifact_key)
    # An active ledger from before artifacts existed: hot rows only.
    store.objects.delete(ledger.artifact_key)
    with store.engine.begin() as connection:
        connection.execute(
            sa.text(
                "UPDATE ledger_files SET artifact_key = NULL, artifact_sha256 = NULL, artifact_size = NULL"
                " WHERE id = :id"
            ),
            {"id": ledger.id},
        )
        store.objects.delete(ledger.raw_key)  # so reprocessing could not be what saves it
    with store.engine.connect() as connection:
        plan = plan_backfill(connection, BackfillScope())
    report = run_backfill(store, plan)
    assert (report.created, report.errors) == (1, [])
    after = store.ledger(ledger.id)
    assert after.status == "active"
    assert store.objects.read_bytes(after.artifact_key or "") == original


def test_failures_are_reported_by_file_and_recorded(store: LedgerStore, tmp_path: Path) -> None:
    folder = tmp_path / "legacy"
    manifest = write_legacy(folder, 3)
    (folder / "legacy-0001.csv").write_bytes(b"\x00\x01\x02 binary garbage \xff\xfe" * 50)
    registered = store.register(manifest).registered
    store.objects.delete(registered[2].raw_key)
    result = run_cli("backfill", env=_env_of(store))
    assert result.returncode == 1, result.stderr
    assert "Created: 1  Skipped (already had one): 0  Errors: 2" in result.stdout
    bad, missing = registered[1], registered[2]
    assert f"ledger file {bad.id} (ACCT01 2021 gl-0001.csv): " in result.stdout
    assert f"ledger file {missing.id} (ACCT02 2022 gl-0002.csv): " in result.stdout
    assert "raw file" in result.stdout
    assert store.ledger(bad.id).status == "failed"
    assert store.ledger(bad.id).error
    with store.engine.connect() as connection:
        kinds = connection.execute(
            sa.text("SELECT kind FROM integrity_incidents WHERE ledger_file_id = :id"), {"id": missing.id}
        ).scalars()
        assert list(kinds) == ["raw_missing"]


def _env_of(store: LedgerStore) -> dict[str, str]:
    assert store.settings is not None
    return _env(store.settings)


def test_enqueued_backfill_is_queued_once_and_done_by_a_worker(store: LedgerStore, tmp_path: Path) -> None:
    store.register(write_legacy(tmp_path / "legacy", 12))
    first = _summary(run_cli("backfill", "--enqueue", "--json", env=_env_of(store)))
    again = _summary(run_cli("backfill", "--enqueue", "--json", env=_env_of(store)))
    assert (first["queued"], first["already_queued"]) == (12, 0)
    assert (again["queued"], again["already_queued"]) == (0, 12)
    run_worker(store, WorkerSettings(burst=True, concurrency=2))
    assert len(store.ledgers(missing_artifact=False)) == 12
    assert {ledger.status for ledger in store.ledgers()} == {"registered"}
    third = _summary(run_cli("backfill", "--json", env=_env_of(store)))
    assert (third["created"], third["skipped"]) == (0, 12)

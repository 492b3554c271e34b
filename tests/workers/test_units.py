"""Pure pieces of the queue and worker: retry policy, metrics exposition, logs, progress, drift diff."""

from __future__ import annotations

import io
import json
import logging
from dataclasses import replace
from decimal import Decimal
from types import SimpleNamespace

import psycopg
import pytest

from ledgerstore.db.queue_schema import SCHEMA_VERSION, schema_sql, unapplied_queue_migrations
from ledgerstore.errors import (
    ArtifactConflictError,
    DatabaseUnavailableError,
    ObjectStoreUnavailableError,
    is_transient,
)
from ledgerstore.ops.drift import choose_sample, compare
from normalizer.record import Record
from workers.cli.logs import JsonLineFormatter
from workers.cli.progress import ProgressBar
from workers.metrics import WorkerMetrics
from workers.names import freeze_queueing_lock, pair_lock
from workers.retry import TransientRetry


@pytest.mark.parametrize(
    ("exc", "transient"),
    [
        (DatabaseUnavailableError("down"), True),
        (ObjectStoreUnavailableError("503"), True),
        (psycopg.OperationalError("connection refused"), True),
        (ConnectionResetError(), True),
        (ArtifactConflictError(1, "ledger-artifacts/1.json.gz"), False),
        (ValueError("bad"), False),
    ],
)
def test_only_transient_errors_are_retried(exc: BaseException, transient: bool) -> None:
    assert is_transient(exc) is transient
    decision = TransientRetry().get_retry_decision(exception=exc, job=SimpleNamespace(attempts=0))
    assert (decision is not None) is transient


def test_retry_backoff_is_exponential_capped_and_bounded() -> None:
    retry = TransientRetry(max_retries=5, base_seconds=2, cap_seconds=20)
    assert [retry.delay(n) for n in range(6)] == [2, 4, 8, 16, 20, 20]
    down = DatabaseUnavailableError("down")
    assert retry.get_retry_decision(exception=down, job=SimpleNamespace(attempts=4)) is not None
    assert retry.get_retry_decision(exception=down, job=SimpleNamespace(attempts=5)) is None


def test_lock_names() -> None:
    assert pair_lock("ACME", 2025) == "ledger:ACME:2025"
    assert freeze_queueing_lock(42) == "freeze:42"


def test_the_vendored_queue_schema_is_the_installed_procrastinates() -> None:
    # Upgrading procrastinate past a release with schema migrations needs a new Alembic revision.
    assert unapplied_queue_migrations() == []
    assert "CREATE TABLE procrastinate_jobs" in schema_sql()
    assert SCHEMA_VERSION == "3.10.0"


def test_unapplied_queue_migrations_lists_newer_ones(tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    for name in ("03.04.00_01_x.sql", "03.10.00_01_y.sql", "03.11.00_01_z.sql", "__init__.py"):
        (folder / name).write_text("")
    assert unapplied_queue_migrations(folder) == ["03.11.00_01_z.sql"]


def test_metrics_render_the_prometheus_text_format() -> None:
    metrics = WorkerMetrics()
    metrics.records_served.inc(tier="hot")
    metrics.records_served.inc(tier="reprocessed")
    metrics.reprocess.inc()
    metrics.task_duration.observe(0.07, task="t", outcome="succeeded")
    metrics.task_duration.observe(3.0, task="t", outcome="succeeded")
    text = metrics.render()
    assert 'ledgerstore_records_served_total{tier="hot"} 1' in text
    assert "ledgerstore_reprocess_total 1" in text
    assert "ledgerstore_checksum_failures_total 0" in text
    assert "# TYPE ledgerstore_task_duration_seconds histogram" in text
    assert 'ledgerstore_task_duration_seconds_bucket{outcome="succeeded",task="t",le="0.1"} 1' in text
    assert 'ledgerstore_task_duration_seconds_bucket{outcome="succeeded",task="t",le="+Inf"} 2' in text
    assert 'ledgerstore_task_duration_seconds_count{outcome="succeeded",task="t"} 2' in text
    assert metrics.task_duration.count(task="t", outcome="succeeded") == 2


def test_json_log_lines_carry_the_extra_fields() -> None:
    record = logging.makeLogRecord(
        {"name": "x", "levelname": "INFO", "msg": "processed %s", "args": (7,), "ledger_file_id": 7}
    )
    line = json.loads(JsonLineFormatter().format(record))
    assert line["message"] == "processed 7"
    assert line["ledger_file_id"] == 7
    assert line["level"] == "info"


def test_the_progress_bar_draws_only_on_a_terminal() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    quiet, tty = io.StringIO(), Tty()
    for stream in (quiet, tty):
        bar = ProgressBar(3, stream=stream)
        for _ in range(3):
            bar.advance()
        bar.close()
    assert quiet.getvalue() == ""
    assert "3/3 100%" in tty.getvalue()


def _record(n: int, description: str = "x") -> Record:
    return Record(
        ledger_file_id=1,
        row_number=n,
        posted_on=None,
        account="6000",
        account_name="Rent",
        description=description,
        reference="",
        journal="",
        debit=Decimal("1.00"),
        credit=Decimal(0),
        currency="",
        attributes={},
    )


def test_compare_counts_differences_and_keeps_the_first() -> None:
    frozen = [_record(n) for n in range(2, 7)]
    current = [frozen[0], replace(frozen[1], description="y"), *frozen[2:], _record(7)]
    differing, first = compare(frozen, current, keep=1)
    assert differing == 2
    assert first[0].index == 1
    assert first[0].frozen is not None and '"description":"x"' in first[0].frozen


def test_choose_sample_is_deterministic() -> None:
    ledgers = [SimpleNamespace(id=n) for n in range(1, 51)]
    assert [x.id for x in choose_sample(ledgers, 3)] == [1, 2, 3]  # type: ignore[arg-type]
    seeded = choose_sample(ledgers, 5, seed=4)  # type: ignore[arg-type]
    assert seeded == choose_sample(ledgers, 5, seed=4)  # type: ignore[arg-type]
    assert [x.id for x in seeded] == sorted(x.id for x in seeded)

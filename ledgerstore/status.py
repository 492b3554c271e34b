"""A snapshot of the store: ledger files by status, artifact coverage, bytes per tier."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from ledgerstore.db.database import translate_database_errors
from ledgerstore.db.schema import LEDGER_STATUSES, ledger_files
from ledgerstore.queue.depth import queue_depth

_HOT_BYTES = sa.text(
    "SELECT count(*) AS partitions, coalesce(sum(pg_total_relation_size(inhrelid)), 0) AS bytes"
    " FROM pg_inherits WHERE inhparent = 'hot_records'::regclass"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class StoreStatus:
    """Counts and sizes; `artifact_coverage` is the share of processed files that have an artifact."""

    by_status: dict[str, int]
    total: int
    with_artifact: int
    artifact_bytes: int
    hot_partitions: int
    hot_bytes: int
    #: Task-queue jobs by state (procrastinate's states, plus `stalled`: running on a dead worker).
    queue: dict[str, int] = field(default_factory=dict)

    @property
    def artifact_coverage(self) -> float:
        return self.with_artifact / self.total if self.total else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "ledger_files": {"total": self.total, "by_status": self.by_status},
            "artifacts": {
                "count": self.with_artifact,
                "missing": self.total - self.with_artifact,
                "coverage": round(self.artifact_coverage, 4),
                "bytes": self.artifact_bytes,
            },
            "hot": {"partitions": self.hot_partitions, "bytes": self.hot_bytes},
            "queue": self.queue,
        }


def collect_status(engine: Engine) -> StoreStatus:
    """Read the current status in one snapshot."""
    counts = sa.select(ledger_files.c.status, sa.func.count()).group_by(ledger_files.c.status)
    artifacts = sa.select(
        sa.func.count(ledger_files.c.artifact_key),
        sa.func.coalesce(sa.func.sum(ledger_files.c.artifact_size), 0),
    )
    with translate_database_errors("reading the store status"), engine.connect() as connection:
        by_status = dict.fromkeys(LEDGER_STATUSES, 0)
        by_status.update({status: count for status, count in connection.execute(counts)})
        with_artifact, artifact_bytes = connection.execute(artifacts).one()
        hot = connection.execute(_HOT_BYTES).one()
        queue = queue_depth(connection)
    return StoreStatus(
        by_status=by_status,
        total=sum(by_status.values()),
        with_artifact=int(with_artifact),
        artifact_bytes=int(artifact_bytes),
        hot_partitions=int(hot.partitions),
        hot_bytes=int(hot.bytes),
        queue=queue,
    )

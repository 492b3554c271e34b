"""A snapshot of the store: ledger files by status, artifact coverage, bytes per tier."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine

from ledgerstore.db.queue_jobs import queue_depth
from ledgerstore.errors import wrap_exceptions
from ledgerstore.hot.partitions import hot_size
from ledgerstore.ledgers import repository


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
    with wrap_exceptions("reading the store status"), engine.connect() as connection:
        by_status, with_artifact, artifact_bytes = repository.counts(connection)
        hot_partitions, hot_bytes = hot_size(connection)
        queue = queue_depth(connection)
    return StoreStatus(
        by_status=by_status,
        total=sum(by_status.values()),
        with_artifact=with_artifact,
        artifact_bytes=artifact_bytes,
        hot_partitions=hot_partitions,
        hot_bytes=hot_bytes,
        queue=queue,
    )

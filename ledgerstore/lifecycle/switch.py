"""The active switch: one transaction that makes a processed upload the active ledger.

In order, inside one transaction: stage the new hot rows (COPY into the ledger's own table, not
yet attached), take the hot-table DDL lock (switches queue here, so they never deadlock on the
parent table), then either
- make the new ledger active, freezing the previous active ledger from its hot rows first if it
  has no artifact, then superseding it, dropping its partition and attaching the new one; or
- if a newer upload is already active (this one finished late), drop the rows just staged and
  mark this one superseded: an older upload never demotes a newer one.
A crash anywhere rolls everything back: the previous active ledger stays intact.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy.engine import Connection, Engine

from ledgerstore.artifacts.codec import CodecRegistry
from ledgerstore.artifacts.ensure import ensure_artifact, from_hot
from ledgerstore.artifacts.formats import DEFAULT_CODECS
from ledgerstore.hot.partitions import (
    StagedPartition,
    attach_partition,
    discard_staged,
    drop_partition,
    lock_hot_ddl,
    stage_partition,
)
from ledgerstore.ledgers import repository
from ledgerstore.ledgers.model import LedgerFile
from ledgerstore.ledgers.status import Status
from ledgerstore.objectstore.base import ObjectStore
from ledgerstore.summary import RecordSummary
from normalizer.record import Record


def activate(
    engine: Engine,
    objects: ObjectStore,
    ledger_file_id: int,
    records: Iterable[Record],
    *,
    codecs: CodecRegistry = DEFAULT_CODECS,
    freeze: Callable[[], None] | None = None,
) -> LedgerFile:
    """Switch the ledger in (or supersede it, if a newer upload is active). Returns its new state.

    The ledger must be frozen (its artifact recorded) before the switch: either already, or by
    `freeze`, which then runs in a thread (its own connection and transaction) while the new rows
    are staged, and must have committed before the switch goes on. Staged rows are invisible to
    everyone until the switch commits, so overlapping them with the artifact's writing keeps the
    order that matters: nothing is switched in before its artifact is recorded. If `freeze`
    fails, the staged rows are rolled back with the transaction.
    """
    with engine.begin() as connection:
        staged = _stage(connection, ledger_file_id, records, freeze)
        lock_hot_ddl(connection)  # from here on, one switch at a time (the short DDL tail only)
        ledger = repository.get(connection, ledger_file_id, for_update=True)
        _check_loaded(ledger, staged.summary)
        if ledger.status.processed:  # a concurrent attempt finished first
            discard_staged(connection, staged)
            return ledger
        current = repository.active(connection, ledger.account, ledger.fiscal_year, for_update=True)
        if current is not None and current.sequence > ledger.sequence:
            discard_staged(connection, staged)
            repository.set_status(connection, ledger_file_id, Status.SUPERSEDED)
        else:
            if current is not None:
                _retire(connection, objects, current, codecs)
            attach_partition(connection, staged)
            repository.set_status(connection, ledger_file_id, Status.ACTIVE)
        return repository.get(connection, ledger_file_id)


def _stage(
    connection: Connection, ledger_file_id: int, records: Iterable[Record], freeze: Callable[[], None] | None
) -> StagedPartition:
    if freeze is None:
        return stage_partition(connection, ledger_file_id, records)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="freeze") as pool:
        frozen = pool.submit(freeze)
        staged = stage_partition(connection, ledger_file_id, records)
        frozen.result()  # a failed freeze raises here and the transaction rolls the staging back
    return staged


def _check_loaded(ledger: LedgerFile, loaded: RecordSummary) -> None:
    if ledger.summary is None:
        raise RuntimeError(f"ledger file {ledger.id} must be frozen before it is activated")
    if loaded != ledger.summary:
        raise RuntimeError(
            f"ledger file {ledger.id}: hot rows loaded ({loaded.count}, {loaded.records_sha256})"
            f" differ from its artifact ({ledger.summary.count}, {ledger.summary.records_sha256})"
        )


def _retire(connection: Connection, objects: ObjectStore, current: LedgerFile, codecs: CodecRegistry) -> None:
    """Supersede the active ledger; freeze it from its hot rows first if it has no artifact."""
    if not current.has_artifact:
        ensure_artifact(connection, objects, current, from_hot(connection, current), codecs=codecs)
    drop_partition(connection, current.id)
    repository.set_status(connection, current.id, Status.SUPERSEDED)

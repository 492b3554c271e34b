"""The active switch: one transaction that makes a processed upload the active ledger.

In one transaction: lock the ledger's row and the current active ledger's row (switches of the
same account and fiscal year queue here; others do not meet), then either
- if a newer upload is already active (this one finished late), mark this one superseded: an
  older upload never demotes a newer one; or
- load the new hot rows, freeze the previous active ledger from its hot rows first if it has no
  artifact, remove its hot rows, supersede it and make the new ledger active.
A small ledger (`OWN_PARTITION_ROWS`) is loaded into its shared slot and the previous one's rows
are deleted: plain DML, no global lock. A large one is staged as a table of its own before any
lock is taken and attached as its partition; that DDL tail (and dropping a previous ledger's own
partition) runs under the hot-table DDL lock, always taken after the row locks, so switches
never deadlock. A crash anywhere rolls everything back: the previous active ledger stays intact.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.engine import Connection, Engine

from ledgerstore.artifacts.codec import CodecRegistry
from ledgerstore.artifacts.ensure import ensure_artifact, from_hot
from ledgerstore.artifacts.formats import DEFAULT_CODECS
from ledgerstore.db.schema import shared_slot
from ledgerstore.hot.partitions import (
    attach_partition,
    discard_staged,
    lock_hot_ddl,
    own_partition_exists,
    stage_partition,
)
from ledgerstore.hot.slots import (
    OWN_PARTITION_ROWS,
    copy_into_slot,
    create_slot,
    remove_hot_rows,
    slot_exists,
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
    own_partition_rows: int = OWN_PARTITION_ROWS,
) -> LedgerFile:
    """Switch the ledger in (or supersede it, if a newer upload is active). Returns its new state.

    The ledger must already be frozen (its artifact recorded); `records` are its records. One
    with at least `own_partition_rows` records gets a partition of its own.
    """
    with engine.connect() as connection:
        planned = repository.get(connection, ledger_file_id)
    if planned.summary is None:
        raise RuntimeError(f"ledger file {ledger_file_id} must be frozen before it is activated")
    if planned.status.processed:
        return planned
    if planned.summary.count >= own_partition_rows:
        return _activate_own(engine, objects, ledger_file_id, records, codecs)
    return _activate_shared(engine, objects, ledger_file_id, records, codecs)


def _activate_shared(
    engine: Engine,
    objects: ObjectStore,
    ledger_file_id: int,
    records: Iterable[Record],
    codecs: CodecRegistry,
) -> LedgerFile:
    with engine.begin() as connection:
        ledger, current = _lock_rows(connection, ledger_file_id)
        if ledger.status.processed:  # a concurrent attempt finished first
            return ledger
        if current is not None and current.sequence > ledger.sequence:
            repository.set_status(connection, ledger_file_id, Status.SUPERSEDED)
            return repository.get(connection, ledger_file_id)
        slot = shared_slot(ledger_file_id)
        # DDL only to create the slot once, or to drop a previous large ledger's own partition;
        # taken before any hot table is touched (after the row locks, like every switch).
        if not slot_exists(connection, slot) or (
            current is not None and own_partition_exists(connection, current.id)
        ):
            lock_hot_ddl(connection)
            create_slot(connection, slot)
        _check_loaded(ledger, copy_into_slot(connection, ledger_file_id, records))
        if current is not None:
            _retire(connection, objects, current, codecs)
        repository.set_status(connection, ledger_file_id, Status.ACTIVE)
        return repository.get(connection, ledger_file_id)


def _activate_own(
    engine: Engine,
    objects: ObjectStore,
    ledger_file_id: int,
    records: Iterable[Record],
    codecs: CodecRegistry,
) -> LedgerFile:
    with engine.begin() as connection:
        staged = stage_partition(connection, ledger_file_id, records)  # no lock held yet
        ledger, current = _lock_rows(connection, ledger_file_id)
        _check_loaded(ledger, staged.summary)
        if ledger.status.processed:  # a concurrent attempt finished first
            discard_staged(connection, staged)
            return ledger
        if current is not None and current.sequence > ledger.sequence:
            discard_staged(connection, staged)
            repository.set_status(connection, ledger_file_id, Status.SUPERSEDED)
        else:
            lock_hot_ddl(connection)  # from here on, one DDL tail at a time
            if current is not None:
                _retire(connection, objects, current, codecs)
            attach_partition(connection, staged)
            repository.set_status(connection, ledger_file_id, Status.ACTIVE)
        return repository.get(connection, ledger_file_id)


def _lock_rows(connection: Connection, ledger_file_id: int) -> tuple[LedgerFile, LedgerFile | None]:
    """Lock the ledger's row, then its account and year's active ledger's (always in this order)."""
    ledger = repository.get(connection, ledger_file_id, for_update=True)
    current = repository.active(connection, ledger.account, ledger.fiscal_year, for_update=True)
    return ledger, current


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
    remove_hot_rows(connection, current.id)
    repository.set_status(connection, current.id, Status.SUPERSEDED)

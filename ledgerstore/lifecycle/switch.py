"""The active switch: one transaction that makes a processed upload the active ledger.

In one transaction: lock the ledger's row, then the current active ledger's row (switches of
the same account and fiscal year queue there; others do not meet), then either
- if a newer upload is already active (this one finished late), mark this one superseded: an
  older upload never demotes a newer one; or
- load the new hot rows, freeze the previous active ledger from its hot rows first if it has no
  artifact, remove its hot rows, supersede it and make the new ledger active.
A small ledger (`OWN_PARTITION_ROWS`) is loaded into its shared slot and the previous one's rows
are deleted: plain DML, no global lock. A large one is staged as a table of its own before any
lock is taken and attached as its partition; that DDL tail (and dropping a previous ledger's own
partition) runs under the hot-table DDL lock, always taken after the row locks, so switches
never deadlock. A crash anywhere rolls everything back: the previous active ledger stays intact.

A previous ledger's own partition is not dropped in the switch but detached and renamed
(`retire_partition`): its rows are gone for readers at the commit all the same, and the commit
does not wait for the file system to free a large table. It is dropped right after the commit,
in a transaction of its own (`drop_retired_partitions`); one a crash left there is dropped by
the next switch that retires one, and by a retry of the switch (which finds its ledger processed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sized
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy.engine import Connection, Engine

from ledgerstore.artifacts.codec import CodecRegistry
from ledgerstore.artifacts.ensure import ensure_artifact, from_hot
from ledgerstore.artifacts.formats import DEFAULT_CODECS
from ledgerstore.db.schema import hot_partition_name, shared_slot, shared_slot_name
from ledgerstore.hot.partitions import (
    StagedPartition,
    attach_partition,
    discard_staged,
    drop_retired,
    lock_hot_ddl,
    own_partition_exists,
    retire_partition,
    stage_partition,
    tables_exist,
)
from ledgerstore.hot.slots import (
    OWN_PARTITION_ROWS,
    copy_into_slot,
    create_slot,
    delete_from_slot,
)
from ledgerstore.ledgers import repository
from ledgerstore.ledgers.model import LedgerFile
from ledgerstore.ledgers.status import Status
from ledgerstore.objectstore.base import ObjectStore
from ledgerstore.summary import RecordSummary
from normalizer.record import Record

#: Records a ledger's artifact through the connection it is given (inside a transaction).
Freeze = Callable[[Connection], None]


def activate(
    engine: Engine,
    objects: ObjectStore,
    ledger_file_id: int,
    records: Iterable[Record],
    *,
    codecs: CodecRegistry = DEFAULT_CODECS,
    own_partition_rows: int = OWN_PARTITION_ROWS,
    freeze: Freeze | None = None,
) -> LedgerFile:
    """Switch the ledger in (or supersede it, if a newer upload is active). Returns its new state.

    `records` are its records. One with at least `own_partition_rows` records gets a partition of
    its own. The ledger must be frozen (its artifact recorded) before the switch: already, or by
    `freeze`, which records it through the connection it is given. For a large ledger `freeze`
    runs in a thread (its own connection and transaction) while its partition is staged, before
    any row lock is taken; staged rows are invisible until the switch commits, so nothing is
    switched in before its artifact is recorded, and a failed freeze rolls the staging back with
    this transaction. A small ledger is frozen first, in the switch's own transaction: its
    artifact is recorded and it is switched in by one commit (one WAL flush, not two).
    """
    with engine.begin() as connection:
        staged = _stage_while_freezing(connection, ledger_file_id, records, own_partition_rows, freeze)
        # Locked first: a concurrent attempt of the same ledger waits here, then finds it done.
        ledger = repository.get(connection, ledger_file_id, for_update=True)
        if ledger.summary is None:
            raise RuntimeError(f"ledger file {ledger_file_id} must be frozen before it is activated")
        # Done by a concurrent attempt, or by one a crash stopped before it dropped what it retired.
        sweep = ledger.status.processed
        if sweep:
            if staged is not None:
                discard_staged(connection, staged)
        elif ledger.summary.count >= own_partition_rows:
            sweep = _activate_own(connection, objects, ledger, records, codecs, staged=staged)
        else:
            if staged is not None:
                discard_staged(connection, staged)
            sweep = _activate_shared(connection, objects, ledger, records, codecs)
        ledger = repository.get(connection, ledger_file_id)
    if sweep:
        drop_retired_partitions(engine)
    return ledger


def drop_retired_partitions(engine: Engine) -> list[str]:
    """Drop the partitions committed switches retired (`retire_partition`), in a transaction of
    its own; their names. Idempotent, and safe beside running switches: a retired partition is
    never read again, and one an uncommitted switch is retiring is not visible here yet."""
    with engine.begin() as connection:
        return drop_retired(connection)


def _stage_while_freezing(
    connection: Connection,
    ledger_file_id: int,
    records: Iterable[Record],
    own_partition_rows: int,
    freeze: Freeze | None,
) -> StagedPartition | None:
    """Run `freeze`; a large ledger's partition is staged meanwhile (returned), else None."""
    if freeze is None:
        return None
    if not isinstance(records, Sized) or len(records) < own_partition_rows:
        freeze(connection)
        return None
    engine = connection.engine

    def freeze_apart() -> None:
        with engine.begin() as own:
            freeze(own)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="freeze") as pool:
        frozen = pool.submit(freeze_apart)
        staged = stage_partition(connection, ledger_file_id, records)
        frozen.result()  # a failed freeze raises here and the transaction rolls the staging back
    return staged


def _activate_shared(
    connection: Connection,
    objects: ObjectStore,
    ledger: LedgerFile,
    records: Iterable[Record],
    codecs: CodecRegistry,
) -> bool:
    """Load a small ledger into its slot; True when a previous own partition was retired."""
    proceed, current = _current(connection, ledger)
    if not proceed:
        return False
    slot = shared_slot(ledger.id)
    # One catalog lookup: the new slot, and where the current ledger's rows are.
    names = [shared_slot_name(slot)]
    if current is not None:
        names += [hot_partition_name(current.id), shared_slot_name(shared_slot(current.id))]
    found = tables_exist(connection, *names)
    slot_ready, current_own, current_slot = found[0], found[1:2] == (True,), found[2:] == (True,)
    # DDL only to create the slot once, or to retire a previous large ledger's own partition;
    # taken before any hot table is touched (after the row locks, like every switch).
    if current_own or not slot_ready:
        lock_hot_ddl(connection)
        create_slot(connection, slot)
        current_slot = current_slot or (current is not None and shared_slot(current.id) == slot)
    _check_loaded(ledger, copy_into_slot(connection, ledger.id, records))
    if current is not None:
        _retire(connection, objects, current, codecs, own=current_own, slot_known=current_slot)
    repository.set_status(connection, ledger.id, Status.ACTIVE)
    return current_own


def _activate_own(
    connection: Connection,
    objects: ObjectStore,
    ledger: LedgerFile,
    records: Iterable[Record],
    codecs: CodecRegistry,
    *,
    staged: StagedPartition | None,
) -> bool:
    """Attach a large ledger's partition; True when a previous own partition was retired."""
    # Staged before the current ledger's row or the DDL lock is taken (by `activate` while it
    # froze the ledger, or here): the long COPY holds only this ledger's own row.
    if staged is None:
        staged = stage_partition(connection, ledger.id, records)
    _check_loaded(ledger, staged.summary)
    proceed, current = _current(connection, ledger)
    if not proceed:
        discard_staged(connection, staged)
        return False
    lock_hot_ddl(connection)  # from here on, one DDL tail at a time
    attach_partition(connection, staged)
    # Retired last: its DETACH locks the parent table (readers of `hot_records` itself wait) until
    # the commit, so as little as possible runs between the two.
    own = current is not None and own_partition_exists(connection, current.id)
    if current is not None:
        _retire(connection, objects, current, codecs, own=own)
    repository.set_status(connection, ledger.id, Status.ACTIVE)
    return own


def _current(connection: Connection, ledger: LedgerFile) -> tuple[bool, LedgerFile | None]:
    """(go on, the account and year's active ledger, locked). If that one is newer than `ledger`
    (this upload finished late), `ledger` is marked superseded and the switch stops there: an
    older upload never demotes a newer one."""
    current = repository.active(connection, ledger.account, ledger.fiscal_year, for_update=True)
    if current is not None and current.sequence > ledger.sequence:
        repository.set_status(connection, ledger.id, Status.SUPERSEDED)
        return False, current
    return True, current


def _check_loaded(ledger: LedgerFile, loaded: RecordSummary) -> None:
    if ledger.summary is None:
        raise RuntimeError(f"ledger file {ledger.id} must be frozen before it is activated")
    if loaded != ledger.summary:
        raise RuntimeError(
            f"ledger file {ledger.id}: hot rows loaded ({loaded.count}, {loaded.records_sha256})"
            f" differ from its artifact ({ledger.summary.count}, {ledger.summary.records_sha256})"
        )


def _retire(
    connection: Connection,
    objects: ObjectStore,
    current: LedgerFile,
    codecs: CodecRegistry,
    *,
    own: bool,
    slot_known: bool | None = None,
) -> None:
    """Supersede the active ledger; freeze it from its hot rows first if it has no artifact.
    Its own partition (`own`; the caller holds the DDL lock) is retired (dropped after the
    commit), or its rows deleted from its shared slot."""
    if not current.has_artifact:
        ensure_artifact(connection, objects, current, from_hot(connection, current), codecs=codecs)
    if own:
        retire_partition(connection, current.id)
    else:
        delete_from_slot(connection, current.id, slot_known=slot_known)
    repository.set_status(connection, current.id, Status.SUPERSEDED)

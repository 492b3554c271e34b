"""`process_ledger`: an uploaded ledger file normalized, frozen and switched in.

Idempotent and safe to rerun after a crash at any point:
- normalizing writes nothing;
- the artifact is write-once and an identical one left by a crashed attempt is adopted
  (`ensure_artifact`), and it is recorded before the new hot rows are switched in (a large
  ledger's are staged meanwhile, invisible until the switch commits: the two overlap; a small
  ledger's artifact is recorded in the switch's transaction, committed with it);
- the active switch is one transaction (see `ledgerstore.lifecycle.switch`); the partition of a
  large ledger it replaced is dropped after its commit, and again by a rerun if a crash came
  between the two.

No silent loss: a row that could not become a record is an error-level issue, and an upload with
any is *rejected* — its issues are stored, nothing is frozen or switched — unless its options
accept issues (`accept_issues`). Warnings never block. Accepted or not, the issues are kept.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.engine import Connection, Engine

from ledgerstore.artifacts.codec import CodecRegistry
from ledgerstore.artifacts.ensure import ensure_artifact, normalized
from ledgerstore.artifacts.formats import DEFAULT_CODECS
from ledgerstore.hot.slots import OWN_PARTITION_ROWS
from ledgerstore.ledgers import repository
from ledgerstore.ledgers.issue_repository import record_issues
from ledgerstore.ledgers.issues import IssueSet, issues_of
from ledgerstore.ledgers.model import LedgerFile
from ledgerstore.ledgers.options import NormalizeOptions
from ledgerstore.ledgers.status import Status
from ledgerstore.lifecycle.switch import activate, drop_retired_partitions
from ledgerstore.objectstore.base import ObjectStore
from ledgerstore.raw import normalize_stored
from normalizer import NormalizerError, NormalizeResult

log = logging.getLogger(__name__)


#: Called after each stage of processing ("normalized", "frozen", "switched"): progress bars.
OnStage = Callable[[str], None]


def process_ledger(
    engine: Engine,
    objects: ObjectStore,
    ledger_file_id: int,
    *,
    codecs: CodecRegistry = DEFAULT_CODECS,
    on_stage: OnStage | None = None,
    own_partition_rows: int = OWN_PARTITION_ROWS,
    raw: bytes | None = None,
    early: NormalizeResult | None = None,
) -> LedgerFile:
    """Normalize, freeze and switch in one uploaded ledger file. Idempotent; safe to retry.

    `raw`: the bytes the caller has just created this ledger file from (an inline ingest), so
    they are not read back from the object store and hashed again (see `normalize_stored`);
    `early`: what `normalize_upload` made of them for this ledger file (its id, the options and
    name its row was created with), so they are not normalized again.

    A file that cannot be normalized is marked failed with the reason, one with error-level issues
    it does not accept is marked rejected (see the module docstring); either way its raw bytes
    stay, the active ledger is untouched, and it is returned. Storage failures raise for the
    caller to retry. A rejected file stays rejected until `reprocess` moves it back to pending.
    """
    with engine.connect() as connection:
        ledger = repository.get(connection, ledger_file_id)
    if ledger.status.processed:
        # A retry after a crash between its switch's commit and the drop of the partition that
        # switch retired: finish that drop.
        drop_retired_partitions(engine)
        return ledger
    if ledger.status == Status.REJECTED:
        return ledger
    try:
        result = early if early is not None else normalize_stored(objects, ledger, data=raw)
    except NormalizerError as exc:
        with engine.begin() as connection:
            repository.set_status(connection, ledger_file_id, Status.FAILED, error=str(exc))
            return repository.get(connection, ledger_file_id)
    stage = on_stage or _no_stage
    stage("normalized")
    records = result.records
    issues = issues_of(result)
    if issues.blocking and not NormalizeOptions.from_json(ledger.normalize_options).accept_issues:
        return _reject(engine, ledger, issues)

    def freeze(connection: Connection) -> None:
        ensure_artifact(connection, objects, ledger, normalized(records, issues), codecs=codecs)
        _clear_failure(connection, ledger_file_id)
        stage("frozen")

    ledger = activate(
        engine,
        objects,
        ledger_file_id,
        records,
        codecs=codecs,
        own_partition_rows=own_partition_rows,
        freeze=freeze,
    )
    stage("switched")
    log.info(
        "processed ledger file %s: %s",
        ledger_file_id,
        ledger.status,
        extra={"ledger_file_id": ledger_file_id},
    )
    return ledger


def _no_stage(name: str) -> None:
    pass


def _reject(engine: Engine, ledger: LedgerFile, issues: IssueSet) -> LedgerFile:
    with engine.begin() as connection:
        record_issues(connection, ledger.id, issues, None)
        repository.set_status(connection, ledger.id, Status.REJECTED)
        rejected = repository.get(connection, ledger.id)
    log.info(  # the caller shows it (the CLI's error line, the task's failure): not twice
        "ledger file %s rejected: %s",
        ledger.id,
        issues.counts.describe(),
        extra={"ledger_file_id": ledger.id},
    )
    return rejected


def _clear_failure(connection: Connection, ledger_file_id: int) -> None:
    """A failed ledger that now normalizes goes back to pending until it is switched in."""
    ledger = repository.get(connection, ledger_file_id, for_update=True)
    if ledger.status == Status.FAILED:
        repository.set_status(connection, ledger_file_id, Status.PENDING)

"""`reprocess`: correct a failed or rejected upload in place, from its raw bytes, with new options.

The ledger file keeps its id and upload sequence. In one transaction its stored options are
corrected (a new profile, sheet or encoding; accepting issues) and it goes back to pending; then
it is processed as any upload is (`process_ledger`): normalized, rejected again or frozen and
switched in — and, being as old as its sequence says, it never demotes a newer active upload.
A crash between the two steps leaves it pending with the corrected options; `reprocess` (or its
queued job) completes it.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from ledgerstore.artifacts.codec import CodecRegistry
from ledgerstore.artifacts.formats import DEFAULT_CODECS
from ledgerstore.errors import LedgerStoreError
from ledgerstore.hot.slots import OWN_PARTITION_ROWS
from ledgerstore.ledgers import repository
from ledgerstore.ledgers.issue_repository import clear_issues
from ledgerstore.ledgers.model import LedgerFile
from ledgerstore.ledgers.options import NormalizeOptions
from ledgerstore.ledgers.status import CORRECTABLE, Status
from ledgerstore.lifecycle.process import OnStage, process_ledger
from ledgerstore.objectstore.base import ObjectStore


class NotCorrectableError(LedgerStoreError):
    """The ledger file cannot be reprocessed in its status (it is processed, or being processed)."""


class AlreadyProcessedError(LedgerStoreError):
    """Identical bytes are already a processed upload, normalized with other options."""


def prepare_reprocess(
    engine: Engine, ledger_file_id: int, changes: NormalizeOptions, *, replace_all: bool = False
) -> LedgerFile:
    """Correct the stored options of a failed or rejected upload and move it back to pending.

    The fields `changes` sets replace the stored ones (all of them with `replace_all`: a re-ingest
    names its options in full). A pending upload (a reprocess interrupted before processing) is
    accepted only with the options it already has. Raises `NotCorrectableError` otherwise.
    """
    with engine.begin() as connection:
        ledger = repository.get(connection, ledger_file_id, for_update=True)
        stored = NormalizeOptions.from_json(ledger.normalize_options)
        options = changes if replace_all else stored.corrected(changes)
        _check_correctable(ledger, stored, options)
        if ledger.status in CORRECTABLE:
            repository.set_options(connection, ledger_file_id, options.to_json())
            repository.set_status(connection, ledger_file_id, Status.PENDING)
            if not ledger.has_artifact:  # the last attempt's issues; the new one records its own
                clear_issues(connection, ledger_file_id)
        return repository.get(connection, ledger_file_id)


def check_reprocess(ledger: LedgerFile, changes: NormalizeOptions) -> None:
    """`NotCorrectableError` now if `prepare_reprocess` would refuse (before queueing one)."""
    stored = NormalizeOptions.from_json(ledger.normalize_options)
    _check_correctable(ledger, stored, stored.corrected(changes))


def _check_correctable(ledger: LedgerFile, stored: NormalizeOptions, options: NormalizeOptions) -> None:
    if ledger.status in CORRECTABLE or (ledger.status == Status.PENDING and options == stored):
        if ledger.has_artifact and not options.normalizes_like(stored):
            raise NotCorrectableError(
                f"ledger file {ledger.id} already has an artifact, which is write-once: it can only be"
                " reprocessed with the options it was frozen with"
            )
        return
    if ledger.status.processed:
        raise NotCorrectableError(
            f"ledger file {ledger.id} ({ledger.original_name}) is {ledger.status} and keeps its records"
            " (its artifact is write-once); only failed or rejected uploads are reprocessed"
        )
    raise NotCorrectableError(
        f"ledger file {ledger.id} ({ledger.original_name}) is {ledger.status}; only failed or rejected"
        " uploads are reprocessed (a pending one only with the options it has)"
    )


def reprocess_ledger(
    engine: Engine,
    objects: ObjectStore,
    ledger_file_id: int,
    changes: NormalizeOptions,
    *,
    replace_all: bool = False,
    codecs: CodecRegistry = DEFAULT_CODECS,
    on_stage: OnStage | None = None,
    own_partition_rows: int = OWN_PARTITION_ROWS,
) -> LedgerFile:
    """Correct a failed or rejected upload (see the module docstring); its new state."""
    prepare_reprocess(engine, ledger_file_id, changes, replace_all=replace_all)
    return process_ledger(
        engine,
        objects,
        ledger_file_id,
        codecs=codecs,
        on_stage=on_stage,
        own_partition_rows=own_partition_rows,
    )

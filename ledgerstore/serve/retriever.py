"""The waterfall retriever: hot if active, else the verified artifact, else reprocess the raw file.

- hot: the active ledger's rows (its own partition or its shared slot), read in a REPEATABLE
  READ transaction: its status and its rows come from one snapshot, so rows a concurrent
  switch deletes from a shared slot are still all seen, and an own partition is locked from the
  first row on, so a concurrent switch cannot drop it mid-read. If the ledger stops being active
  between the status check and the first row (no rows where some are recorded), the waterfall
  restarts.
  The rows are digested as they stream; a mismatch with the recorded records sha256 (rows
  altered in the database) is recorded as a `hot_mismatch` incident and raises at the end of
  the stream. A ledger with such an incident is never served hot again: it falls through to
  its verified artifact, like a cold read that fails its check falls through to the raw file.
- cold: the artifact, served only once its bytes match the recorded sha256 (a mismatch is
  recorded as an integrity incident and never served).
- reprocessed: the raw file normalized again; the missing artifact is written through
  `ensure_artifact` (lazy backfill), the only write a read ever makes. The ledger file's lock
  (`repository.ledger_lock`) makes concurrent readers of a legacy file reprocess it once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from itertools import chain

from sqlalchemy.engine import Connection, Engine

from ledgerstore.artifacts.codec import CodecRegistry
from ledgerstore.artifacts.ensure import ensure_artifact, from_result
from ledgerstore.artifacts.formats import DEFAULT_CODECS
from ledgerstore.artifacts.io import fetch_verified
from ledgerstore.errors import (
    ArtifactConflictError,
    ArtifactIntegrityError,
    LedgerUnavailableError,
    ObjectNotFoundError,
    PartitionGoneError,
)
from ledgerstore.hot.slots import stream_hot
from ledgerstore.ledgers import repository
from ledgerstore.ledgers.model import LedgerFile
from ledgerstore.ledgers.status import Status
from ledgerstore.objectstore.base import ObjectInfo, ObjectStore
from ledgerstore.raw import normalize_stored
from ledgerstore.serve.observer import NoObserver, RetrievalObserver
from ledgerstore.serve.recordset import RecordSet
from ledgerstore.summary import summarize
from normalizer import NormalizerError
from normalizer.record import Record

log = logging.getLogger(__name__)

_MAX_ATTEMPTS = 5


class Retriever:
    """Serves the records of any ledger file ever uploaded, from the cheapest tier that has them."""

    def __init__(
        self,
        engine: Engine,
        objects: ObjectStore,
        observer: RetrievalObserver | None = None,
        *,
        codecs: CodecRegistry = DEFAULT_CODECS,
    ) -> None:
        self._engine = engine
        self._objects = objects
        self._codecs = codecs
        self.observer: RetrievalObserver = observer or NoObserver()

    def records(self, ledger_file_id: int) -> RecordSet:
        """The ledger file's records and the tier that served them (see the module docstring)."""
        served = self._serve(ledger_file_id)
        self.observer.served(served.tier)
        log.info(
            "serving ledger file %s from the %s tier",
            ledger_file_id,
            served.tier,
            extra={"ledger_file_id": ledger_file_id, "tier": served.tier},
        )
        return served

    def _serve(self, ledger_file_id: int) -> RecordSet:
        for _ in range(_MAX_ATTEMPTS):
            with self._engine.connect() as connection:
                ledger = repository.get(connection, ledger_file_id)
                distrusted = ledger.status == Status.ACTIVE and _hot_distrusted(connection, ledger.id)
            if ledger.status == Status.ACTIVE and not distrusted:
                served = self._hot(ledger)
                if served is not None:
                    return served
                continue  # superseded meanwhile: look again
            if ledger.has_artifact:
                served = self._cold(ledger)
                if served is not None:
                    return served
            return self._reprocessed(ledger_file_id, cold_failed=ledger.has_artifact)
        raise LedgerUnavailableError(ledger_file_id, "it kept changing tier while being read; try again")

    def _hot(self, ledger: LedgerFile) -> RecordSet | None:
        connection = self._engine.connect().execution_options(isolation_level="REPEATABLE READ")
        try:
            connection.begin()
            current = repository.get(connection, ledger.id)
            if current.status != Status.ACTIVE or current.records_sha256 is None:
                connection.close()
                return None
            # One statement in this snapshot: the rows the status just read says are active.
            stream = stream_hot(connection, ledger.id, expected=current.record_count or 0)
            first = next(stream, None)  # the rows' table is locked from here on
        except PartitionGoneError:
            connection.close()
            return None
        except BaseException:
            connection.close()
            raise
        return RecordSet(
            ledger=current,
            tier="hot",
            records=_prepend(first, stream),
            records_sha256=current.records_sha256,
            on_close=connection.close,
            on_mismatch=lambda detail: self._incident(current.id, "hot_mismatch", detail),
        )

    def _cold(self, ledger: LedgerFile) -> RecordSet | None:
        assert ledger.artifact_key and ledger.artifact_sha256 and ledger.artifact_size is not None
        expected = ObjectInfo(
            key=ledger.artifact_key, size=ledger.artifact_size, sha256=ledger.artifact_sha256
        )
        codec = self._codecs.codec(ledger.artifact_format)
        try:
            # The checksum is verified here, before the record set exists.
            artifact = fetch_verified(self._objects, ledger.id, expected, ledger.summary, codec)
        except (ArtifactIntegrityError, ObjectNotFoundError) as exc:
            kind = exc.kind if isinstance(exc, ArtifactIntegrityError) else "artifact_missing"
            self._incident(ledger.id, kind, str(exc))
            return None
        assert ledger.records_sha256 is not None
        return RecordSet(
            ledger=ledger,
            tier="cold",
            records=chain.from_iterable(artifact.record_batches()),
            records_sha256=ledger.records_sha256,
            on_close=artifact.close,
            checked_by_source=True,  # the artifact checks count, totals and records sha256
            columns=artifact.table,
        )

    def _reprocessed(self, ledger_file_id: int, *, cold_failed: bool) -> RecordSet:
        with repository.ledger_lock(self._engine, ledger_file_id) as connection:
            ledger = repository.get(connection, ledger_file_id)
            if ledger.has_artifact and not cold_failed:
                served = self._cold(ledger)  # another reader froze it while we waited
                if served is not None:
                    return served
            return self._reprocess(ledger)

    def _reprocess(self, ledger: LedgerFile) -> RecordSet:
        self.observer.reprocessed()
        try:
            result = normalize_stored(self._objects, ledger)
        except NormalizerError as exc:
            raise LedgerUnavailableError(ledger.id, f"its raw file cannot be normalized: {exc}") from exc
        records = result.records
        try:
            with self._engine.begin() as connection:
                frozen = ensure_artifact(
                    connection,
                    self._objects,
                    ledger,
                    from_result(result),
                    keep_recorded=True,
                    codecs=self._codecs,
                )
        except ArtifactConflictError as exc:
            # A damaged artifact holds the key; write-once forbids replacing it. Serve the fresh
            # records; `ledgerstore verify` tells the operator what to do with the damaged object.
            self._incident(ledger.id, "artifact_checksum", str(exc))
            sha = summarize(records).records_sha256
        else:
            sha = frozen.summary.records_sha256
            log.info(
                "lazily backfilled the artifact of ledger file %s",
                ledger.id,
                extra={"ledger_file_id": ledger.id},
            )
        with self._engine.connect() as connection:
            current = repository.get(connection, ledger.id)
        # `sha` was computed from these very records (while freezing, or just above).
        return RecordSet(
            ledger=current,
            tier="reprocessed",
            records=iter(records),
            records_sha256=sha,
            checked_by_source=True,
        )

    def _incident(self, ledger_file_id: int, kind: str, detail: str) -> None:
        self.observer.integrity_incident(kind)
        log.warning(
            "integrity incident on ledger file %s: %s",
            ledger_file_id,
            detail,
            extra={"ledger_file_id": ledger_file_id, "incident": kind},
        )
        with self._engine.begin() as connection:
            repository.record_incident(connection, ledger_file_id, kind, detail)


def _hot_distrusted(connection: Connection, ledger_file_id: int) -> bool:
    """True once a read found the ledger's hot rows altered (they are never served again)."""
    return any(kind == "hot_mismatch" for kind, _ in repository.incidents(connection, ledger_file_id))


def _prepend(first: Record | None, rest: Iterator[Record]) -> Iterator[Record]:
    """`first` then `rest`, as a generator: closing it closes `rest` (ending a COPY cleanly)."""
    if first is None:
        return
    yield first
    yield from rest

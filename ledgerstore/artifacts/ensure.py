"""`ensure_artifact`: the one path that freezes a ledger file's records and records the artifact.

Every caller goes through it: processing an upload, the active switch retiring a ledger that
predates artifacts, the retriever's lazy backfill, and bulk backfill (`freeze_ledger`). It writes
the artifact once (adopting an identical one a crashed attempt left; never overwriting another)
and stores its location, format version, summary and normalizer version on the ledger-file row,
inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy.engine import Connection, Engine

from ledgerstore.artifacts.codec import CodecRegistry
from ledgerstore.artifacts.formats import DEFAULT_CODECS
from ledgerstore.artifacts.io import FrozenArtifact, freeze
from ledgerstore.hot.partitions import stream_partition
from ledgerstore.ledgers import repository
from ledgerstore.ledgers.model import LedgerFile
from ledgerstore.ledgers.status import Status
from ledgerstore.objectstore.base import ObjectStore
from ledgerstore.raw import normalize_stored
from normalizer.record import Record
from normalizer.version import NORMALIZER_VERSION

#: The normalizer version recorded for an artifact frozen from hot rows of a ledger whose
#: version was never recorded (it was loaded before versions were kept).
UNKNOWN_HOT_VERSION = "unknown (frozen from hot rows)"


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordSource:
    """Where the records to freeze come from, and the normalizer version that made them.

    `records` may be called twice (again when an artifact already exists and must be compared).
    """

    records: Callable[[], Iterable[Record]]
    normalizer_version: str


def normalized(records: Iterable[Record]) -> RecordSource:
    """Records the current normalizer just produced (a finite, re-iterable sequence)."""
    return RecordSource(records=lambda: records, normalizer_version=NORMALIZER_VERSION)


def from_hot(connection: Connection, ledger: LedgerFile) -> RecordSource:
    """The ledger's hot rows, read inside `connection`'s transaction."""
    return RecordSource(
        records=lambda: stream_partition(connection, ledger.id),
        normalizer_version=ledger.normalizer_version or UNKNOWN_HOT_VERSION,
    )


def ensure_artifact(
    connection: Connection,
    objects: ObjectStore,
    ledger: LedgerFile,
    source: RecordSource,
    *,
    keep_recorded: bool = False,
    codecs: CodecRegistry = DEFAULT_CODECS,
) -> FrozenArtifact:
    """Freeze `source` as the ledger's artifact (write-once) and record it on the ledger row.

    New artifacts are written in the registry's current format. With `keep_recorded`, a row that
    already names an artifact is left as it is and the object is rewritten in the format recorded
    there: a reader that repairs a missing object must not replace what the database vouches
    for. Raises `ArtifactConflictError` when another artifact holds the key.
    """
    keep = keep_recorded and ledger.has_artifact
    codec = codecs.codec(ledger.artifact_format) if keep else codecs.current
    frozen = freeze(objects, ledger.id, source.records, codec)
    if not keep:
        repository.record_artifact(
            connection,
            ledger.id,
            frozen.info,
            frozen.summary,
            source.normalizer_version,
            format_version=frozen.format_version,
        )
    return frozen


def freeze_ledger(
    engine: Engine, objects: ObjectStore, ledger_file_id: int, *, codecs: CodecRegistry = DEFAULT_CODECS
) -> tuple[LedgerFile, bool]:
    """Give a ledger file an artifact if it has none (from hot rows, else by reprocessing raw).

    Returns the ledger and whether an artifact was created. Status is left as it is: a frozen
    legacy file stays registered, a hot active ledger stays active. Serialised per ledger file
    (`repository.ledger_lock`), so concurrent freezers do the work once.
    """
    with repository.ledger_lock(engine, ledger_file_id) as connection:
        ledger = repository.get(connection, ledger_file_id)
        if ledger.has_artifact:
            return ledger, False
        if ledger.status == Status.ACTIVE:
            source = from_hot(connection, ledger)
        else:
            source = normalized(normalize_stored(objects, ledger).records)
        ensure_artifact(connection, objects, ledger, source, codecs=codecs)
        connection.commit()
        return repository.get(connection, ledger_file_id), True

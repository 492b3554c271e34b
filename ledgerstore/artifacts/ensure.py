"""`ensure_artifact`: the one path that freezes a ledger file's records and records the artifact.

Every caller goes through it: processing an upload, the active switch retiring a ledger that
predates artifacts, the retriever's lazy backfill, and bulk backfill (`freeze_ledger`). It writes
the artifact once (adopting an identical one a crashed attempt left; never overwriting another)
and stores its location, format version, summary and normalizer version on the ledger-file row,
inside the caller's transaction. The ledger file's issues, when known, are frozen with it as
the issue sidecar (`ledgerstore.artifacts.sidecar`) and stored on the row in the same
transaction. A rejected ledger is never frozen: its records are incomplete until accepted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy.engine import Connection, Engine

from ledgerstore.artifacts.codec import CodecRegistry
from ledgerstore.artifacts.formats import DEFAULT_CODECS
from ledgerstore.artifacts.io import FrozenArtifact, freeze
from ledgerstore.artifacts.sidecar import freeze_sidecar
from ledgerstore.errors import LedgerUnavailableError
from ledgerstore.hot.slots import stream_hot
from ledgerstore.ledgers import repository
from ledgerstore.ledgers.issue_repository import record_issues, stored_issues
from ledgerstore.ledgers.issues import IssueSet, issues_of
from ledgerstore.ledgers.model import LedgerFile
from ledgerstore.ledgers.status import Status
from ledgerstore.objectstore.base import ObjectStore
from ledgerstore.raw import normalize_stored
from normalizer import NormalizeResult
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
    #: The issues found with these records; None when unknown (hot rows of a legacy ledger).
    issues: IssueSet | None = None


def normalized(records: Iterable[Record], issues: IssueSet | None = None) -> RecordSource:
    """Records the current normalizer just produced (a finite, re-iterable sequence)."""
    return RecordSource(records=lambda: records, normalizer_version=NORMALIZER_VERSION, issues=issues)


def from_result(result: NormalizeResult) -> RecordSource:
    """A normalization's records and its issues."""
    return normalized(result.records, issues_of(result))


def from_hot(connection: Connection, ledger: LedgerFile) -> RecordSource:
    """The ledger's hot rows, read inside `connection`'s transaction, with its recorded issues."""
    counts = ledger.issue_counts
    issues = stored_issues(connection, ledger.id, counts) if counts is not None else None
    return RecordSource(
        records=lambda: stream_hot(connection, ledger.id, expected=ledger.record_count or 0),
        normalizer_version=ledger.normalizer_version or UNKNOWN_HOT_VERSION,
        issues=issues,
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
    for (its issue sidecar, if it names one, is rewritten from the issues the database keeps).
    Raises `ArtifactConflictError` when another artifact (or sidecar) holds the key.
    """
    if ledger.status == Status.REJECTED:
        raise LedgerUnavailableError(
            ledger.id,
            "it was rejected for rows that could not become records: see `ledgerstore issues"
            f" {ledger.id}`, then `ledgerstore reprocess {ledger.id}` with a profile, or --accept-issues",
        )
    keep = keep_recorded and ledger.has_artifact
    codec = codecs.codec(ledger.artifact_format) if keep else codecs.current
    frozen = freeze(objects, ledger.id, source.records, codec)
    if keep:
        _repair_sidecar(connection, objects, ledger)
        return frozen
    repository.record_artifact(
        connection,
        ledger.id,
        frozen.info,
        frozen.summary,
        source.normalizer_version,
        format_version=frozen.format_version,
    )
    if source.issues is not None:
        sidecar = freeze_sidecar(objects, ledger.id, source.issues)
        record_issues(connection, ledger.id, source.issues, sidecar)
    return frozen


def _repair_sidecar(connection: Connection, objects: ObjectStore, ledger: LedgerFile) -> None:
    """Rewrite a missing sidecar the row names from the issues the database keeps."""
    counts = ledger.issue_counts
    if ledger.issues_key is None or counts is None or objects.exists(ledger.issues_key):
        return
    freeze_sidecar(objects, ledger.id, stored_issues(connection, ledger.id, counts))


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
            source = from_result(normalize_stored(objects, ledger))
        ensure_artifact(connection, objects, ledger, source, codecs=codecs)
        connection.commit()
        return repository.get(connection, ledger_file_id), True

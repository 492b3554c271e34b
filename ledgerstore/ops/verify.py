"""`verify`: every artifact matches the database, and every active ledger's hot rows match both.

Per ledger file with an artifact: the object exists, its byte size and sha256 are the recorded
ones, and the records it holds have the recorded count, totals and canonical sha256. Per active
ledger: its hot rows have the recorded count and totals (aggregates over a batch of ledgers); with
`deep`, they are streamed and their canonical sha256 compared too, which also catches edits that
keep the totals. Active ledgers are checked `HOT_BATCH` at a time, each batch in a short
transaction of its own, so locks and snapshots stay bounded however many there are.
Per ledger file with an issue sidecar: the object exists with the recorded size and sha256;
with `deep`, the issues the database keeps encode to exactly those bytes too.
Each discrepancy says what to do; incidents are recorded once per distinct finding.

A store whose interrupted writes leave temporary files (`LeavesPartials`: the local directory)
is also searched for those older than `PARTIAL_AGE_S`; they are reported (not a discrepancy:
no stored object is affected) and, with `clean_partials`, removed. Raw objects no ledger file
refers to (an upload killed between storing its bytes and creating its row) are reported too,
never removed: one may belong to an upload in progress, and a rerun of that upload adopts it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.engine import Connection

from ledgerstore.artifacts.io import inspect_artifact
from ledgerstore.artifacts.sidecar import encode_sidecar
from ledgerstore.db.schema import hot_partition_name
from ledgerstore.errors import ArtifactFormatError, ObjectNotFoundError, PartitionGoneError
from ledgerstore.hot.inspect import HotRows, inspect_hot
from ledgerstore.ledgers import repository
from ledgerstore.ledgers.issue_repository import stored_issues
from ledgerstore.ledgers.model import LedgerFile
from ledgerstore.ledgers.status import Status
from ledgerstore.objectstore.base import LeavesPartials, ObjectStore
from ledgerstore.ops.storage import Storage
from ledgerstore.raw import RAW_PREFIX
from ledgerstore.summary import RecordSummary

log = logging.getLogger(__name__)

#: A temporary file this old belongs to a writer that died: no live write takes an hour.
PARTIAL_AGE_S = 3600.0

_ACTIONS = {
    "artifact_missing": (
        "the object is gone: restore it from the bucket's versioning or backup; for a ledger that is"
        " not active, reading it once (`ledgerstore records {id}`) rewrites it from its raw file"
    ),
    "artifact_checksum": (
        "the object was altered (write-once was bypassed): keep a copy for the investigation, delete"
        " it, then read the ledger once (`ledgerstore records {id}`) to rewrite it from its raw file"
        " (check `ledgerstore drift` first: a changed normalizer writes other bytes)"
    ),
    "artifact_count": (
        "the object's bytes are the recorded ones but its records disagree with the database row:"
        " the row was edited; restore count, totals and records_sha256 from the artifact"
    ),
    "issues_missing": (
        "the issue sidecar is gone: reading the ledger once from its raw file"
        " (`ledgerstore records {id}` after restoring or deleting its artifact) rewrites it; the"
        " issues are still in the database (`ledgerstore issues {id}`)"
    ),
    "issues_checksum": (
        "the issue sidecar and the database disagree (one was altered): keep a copy of the object,"
        " compare it with `ledgerstore issues {id} --json`, and restore the altered side"
    ),
    "hot_mismatch": (
        "hot rows were written outside ledgerstore (the artifact is authoritative): find who wrote to"
        " {partition} (rows with ledger_file_id = {id}); reads of ledger file {id} are served from its"
        " verified artifact from now on"
    ),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Discrepancy:
    """One thing that does not match, and what to do about it."""

    ledger_file_id: int
    kind: str
    detail: str
    action: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "ledger_file_id": self.ledger_file_id,
            "kind": self.kind,
            "detail": self.detail,
            "action": self.action,
        }


@dataclass(slots=True, kw_only=True)
class VerifyReport:
    """How much was checked, and every discrepancy found."""

    deep: bool
    artifacts_checked: int = 0
    hot_checked: int = 0
    issues_checked: int = 0
    discrepancies: list[Discrepancy] = field(default_factory=list)
    #: Temporary files of killed writers older than `PARTIAL_AGE_S` (store-relative paths),
    #: and those removed (`clean_partials`).
    partial_files: tuple[str, ...] = ()
    partials_removed: tuple[str, ...] = ()
    #: Raw objects (`ledger-raw/…`) that no ledger file refers to.
    unreferenced_raw: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.discrepancies

    def as_dict(self) -> dict[str, Any]:
        return {
            "deep": self.deep,
            "artifacts_checked": self.artifacts_checked,
            "hot_checked": self.hot_checked,
            "issues_checked": self.issues_checked,
            "ok": self.ok,
            "discrepancies": [d.as_dict() for d in self.discrepancies],
            "partial_files": {
                "older_than_s": PARTIAL_AGE_S,
                "found": list(self.partial_files),
                "removed": list(self.partials_removed),
            },
            "unreferenced_raw": list(self.unreferenced_raw),
        }


def _found(ledger: LedgerFile, kind: str, detail: str, *, partition: str = "") -> Discrepancy:
    action = _ACTIONS[kind].format(id=ledger.id, partition=partition or hot_partition_name(ledger.id))
    return Discrepancy(ledger_file_id=ledger.id, kind=kind, detail=detail, action=action)


def _summary_differences(recorded: RecordSummary, actual: RecordSummary) -> list[str]:
    fields = ("count", "debit_total", "credit_total", "records_sha256")
    return [
        f"{name} {getattr(actual, name)} (database: {getattr(recorded, name)})"
        for name in fields
        if getattr(actual, name) != getattr(recorded, name)
    ]


def check_artifact(store: Storage, ledger: LedgerFile) -> Discrepancy | None:
    """Read the ledger's artifact through once and compare it with the database row."""
    assert ledger.artifact_key is not None and ledger.summary is not None
    try:
        found = inspect_artifact(
            store.objects, ledger.artifact_key, store.codecs.codec(ledger.artifact_format)
        )
    except ObjectNotFoundError:
        return _found(
            ledger, "artifact_missing", f"{ledger.artifact_key} does not exist in {store.objects.url}"
        )
    except ArtifactFormatError as exc:
        return _found(ledger, "artifact_checksum", f"{ledger.artifact_key} is not a readable artifact: {exc}")
    if found.info.sha256 != ledger.artifact_sha256 or found.info.size != ledger.artifact_size:
        return _found(
            ledger,
            "artifact_checksum",
            f"{ledger.artifact_key} has sha256 {found.info.sha256} and {found.info.size} bytes;"
            f" the database recorded {ledger.artifact_sha256} and {ledger.artifact_size} bytes",
        )
    differences = _summary_differences(ledger.summary, found.summary)
    if differences:
        return _found(ledger, "artifact_count", f"{ledger.artifact_key} holds " + ", ".join(differences))
    return None


def check_sidecar(
    store: Storage, connection: Connection, ledger: LedgerFile, *, deep: bool
) -> Discrepancy | None:
    """The ledger's issue sidecar has its recorded bytes (and, `deep`, holds the database's issues)."""
    assert ledger.issues_key is not None
    try:
        data = store.objects.read_bytes(ledger.issues_key)
    except ObjectNotFoundError:
        return _found(ledger, "issues_missing", f"{ledger.issues_key} does not exist in {store.objects.url}")
    sha = hashlib.sha256(data).hexdigest()
    if sha != ledger.issues_sha256 or len(data) != ledger.issues_size:
        return _found(
            ledger,
            "issues_checksum",
            f"{ledger.issues_key} has sha256 {sha} and {len(data)} bytes;"
            f" the database recorded {ledger.issues_sha256} and {ledger.issues_size} bytes",
        )
    counts = ledger.issue_counts
    if deep and counts is not None:
        kept = encode_sidecar(ledger.id, stored_issues(connection, ledger.id, counts))
        if kept != data:
            return _found(
                ledger,
                "issues_checksum",
                f"the issues the database keeps for ledger file {ledger.id} differ from {ledger.issues_key}",
            )
    return None


def _verify_sidecars(store: Storage, report: VerifyReport) -> None:
    with store.engine.connect() as connection:
        for ledger in repository.search(connection, missing_artifact=False):
            if ledger.issues_key is None:
                continue  # frozen before issues were kept
            report.issues_checked += 1
            found = check_sidecar(store, connection, ledger, deep=report.deep)
            if found is not None:
                report.discrepancies.append(found)


#: Active ledgers checked per transaction (one snapshot each; locks stay bounded).
HOT_BATCH = 1000
_RETRIES = 3


def _hot_differences(ledger: LedgerFile, found: HotRows, *, deep: bool) -> Discrepancy | None:
    """Compare an active ledger's hot rows with its recorded summary (and sha256 when `deep`)."""
    recorded = ledger.summary
    assert recorded is not None
    if not found.exists:
        return _found(ledger, "hot_mismatch", f"{found.table} does not exist", partition=found.table)
    actual = RecordSummary(
        count=found.count,
        debit_total=found.debit_total,
        credit_total=found.credit_total,
        records_sha256=recorded.records_sha256,
    )
    differences = _summary_differences(recorded, actual)
    if deep and not differences and found.records_sha256 is not None:
        # Only rows whose count and totals are right are compared by sha256 (as a deep read
        # of them would be): a ledger's finding is the same with and without `deep`.
        differences = _summary_differences(recorded, replace(actual, records_sha256=found.records_sha256))
    if differences:
        detail = "hot rows have " + ", ".join(differences)
        return _found(ledger, "hot_mismatch", detail, partition=found.table)
    return None


def _verify_hot(store: Storage, report: VerifyReport) -> None:
    """Check the active ledgers `HOT_BATCH` at a time, each batch in a REPEATABLE READ
    transaction of its own (statuses and rows from one snapshot): locks, snapshots and memory
    stay bounded whatever the number of ledgers."""
    after = 0
    with store.engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
        while True:
            batch, found = _hot_batch(connection, after, deep=report.deep)
            if not batch:
                return
            for ledger in batch:
                report.hot_checked += 1
                discrepancy = _hot_differences(ledger, found[ledger.id], deep=report.deep)
                if discrepancy is not None:
                    report.discrepancies.append(discrepancy)
            after = batch[-1].id


def _hot_batch(
    connection: Connection, after: int, *, deep: bool
) -> tuple[list[LedgerFile], dict[int, HotRows]]:
    """The next active ledgers after id `after` and their hot rows, in one snapshot. A ledger's
    own partition dropped by a switch after the snapshot was taken: the batch is read again."""
    for attempt in range(_RETRIES):
        try:
            with connection.begin():
                batch = repository.search(connection, status=Status.ACTIVE, after_id=after, limit=HOT_BATCH)
                return batch, inspect_hot(connection, [ledger.id for ledger in batch], deep=deep)
        except PartitionGoneError:
            if attempt == _RETRIES - 1:
                raise
    raise AssertionError("unreachable")


def verify_store(
    store: Storage,
    *,
    deep: bool = False,
    on_checked: Callable[[int], None] | None = None,
    clean_partials: bool = False,
) -> VerifyReport:
    """Check every artifact and every active ledger's hot rows; record each new finding.
    Report stale temporary files (and remove them when `clean_partials`)."""
    report = VerifyReport(deep=deep)
    report.partial_files, report.partials_removed = check_partials(store.objects, clean=clean_partials)
    with store.engine.connect() as connection:
        frozen = repository.search(connection, missing_artifact=False)
    for ledger in frozen:
        report.artifacts_checked += 1
        found = check_artifact(store, ledger)
        if found is not None:
            report.discrepancies.append(found)
        if on_checked is not None:
            on_checked(ledger.id)
    _verify_hot(store, report)
    _verify_sidecars(store, report)
    report.unreferenced_raw = unreferenced_raw(store)
    _record(store, report.discrepancies)
    return report


def unreferenced_raw(store: Storage) -> tuple[str, ...]:
    """Raw objects that no ledger file refers to, by key (listed after the keys are read, so an
    upload that completes meanwhile is not among them)."""
    with store.engine.connect() as connection:
        referenced = repository.raw_keys(connection)
    return tuple(key for key in store.objects.list(RAW_PREFIX) if key not in referenced)


def check_partials(
    objects: ObjectStore, *, clean: bool, older_than: float = PARTIAL_AGE_S
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(stale temporary files, those removed) of a store that can leave them; nothing otherwise."""
    if not isinstance(objects, LeavesPartials):
        return (), ()
    found = objects.partial_files(older_than=older_than)
    if not clean or not found:
        return found, ()
    removed = objects.remove_partial_files(older_than=older_than)
    log.info("removed %d stale temporary files from %s", len(removed), objects.url)
    return found, removed


def _record(store: Storage, discrepancies: list[Discrepancy]) -> None:
    with store.engine.begin() as connection:
        for d in discrepancies:
            if (d.kind, d.detail) in repository.incidents(connection, d.ledger_file_id):
                continue
            repository.record_incident(connection, d.ledger_file_id, d.kind, d.detail)
            log.warning(
                "integrity incident on ledger file %s: %s",
                d.ledger_file_id,
                d.detail,
                extra={"ledger_file_id": d.ledger_file_id, "kind": d.kind},
            )

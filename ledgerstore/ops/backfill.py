"""Bulk backfill: give every ledger file without an artifact one, resumably and idempotently.

An active ledger is frozen from its hot rows, a registered (legacy) one by reprocessing its raw
file (`freeze_ledger`, through `ensure_artifact`). Each file is its own unit of work: the
artifact is write-once (an identical one left by a killed run is adopted, never a half-written
one: object stores publish whole objects only) and recorded in its own transaction, so a run
killed at any point and started again redoes at most the files it was in the middle of, and a
second run finds nothing to do. Pending uploads are left to their `process_ledger` job and
failed ones to a reprocess.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy.engine import Connection

from ledgerstore.artifacts.ensure import freeze_ledger
from ledgerstore.errors import LedgerStoreError, is_transient
from ledgerstore.ledgers import repository
from ledgerstore.ledgers.model import LedgerFile
from ledgerstore.ledgers.options import NormalizeOptions
from ledgerstore.ledgers.status import Status
from ledgerstore.lifecycle.failure import failure_reason, record_failure
from ledgerstore.ops.backfill_pool import ProcessDiedError, run_isolated
from ledgerstore.ops.storage import OpenedStorage, Storage
from ledgerstore.settings import Settings
from normalizer import NormalizerError

log = logging.getLogger(__name__)

Outcome = Literal["created", "skipped", "error"]
Source = Literal["hot", "reprocessed"]


@dataclass(frozen=True, slots=True, kw_only=True)
class BackfillScope:
    """Which ledger files a backfill considers (all of them by default)."""

    account: str | None = None
    fiscal_year: int | None = None
    since: dt.datetime | None = None
    limit: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BackfillPlan:
    """The files in scope that need an artifact (by id), and how many in scope already have one."""

    candidates: tuple[LedgerFile, ...]
    already_frozen: int


@dataclass(frozen=True, slots=True, kw_only=True)
class FileOutcome:
    """What backfill did with one ledger file."""

    ledger_file_id: int
    outcome: Outcome
    source: Source | None = None
    record_count: int = 0
    error: str | None = None
    error_type: str | None = None


@dataclass(slots=True, kw_only=True)
class BackfillReport:
    """Created / Skipped (already had one) / Errors, with each error's ledger file and reason."""

    created: int = 0
    skipped: int = 0
    records: int = 0
    errors: list[FileOutcome] = field(default_factory=list)

    def add(self, outcome: FileOutcome) -> None:
        if outcome.outcome == "created":
            self.created += 1
            self.records += outcome.record_count
        elif outcome.outcome == "skipped":
            self.skipped += 1
        else:
            self.errors.append(outcome)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "skipped": self.skipped,
            "errors": len(self.errors),
            "records": self.records,
            "error_report": [
                {"ledger_file_id": e.ledger_file_id, "error": e.error}
                for e in sorted(self.errors, key=lambda e: e.ledger_file_id)
            ],
        }


def plan_backfill(connection: Connection, scope: BackfillScope) -> BackfillPlan:
    """The ledger files in scope that need an artifact, lowest id first (a stable resume order)."""
    candidates, frozen = repository.backfill_candidates(
        connection,
        account=scope.account,
        fiscal_year=scope.fiscal_year,
        since=scope.since,
        limit=scope.limit,
    )
    return BackfillPlan(candidates=candidates, already_frozen=frozen)


#: Failures that are the file's own (recorded on it); anything else is a bug and is not.
_PERMANENT = (LedgerStoreError, NormalizerError)


def freeze_one(store: Storage, ledger: LedgerFile) -> FileOutcome:
    """Give one ledger file its artifact (or find it already has one).

    A permanent failure is recorded on the ledger file (`ledgerstore.lifecycle.failure`) and returned as
    an error outcome; a transient one propagates, for the caller to retry or report.
    """
    source: Source = "hot" if ledger.status == Status.ACTIVE else "reprocessed"
    try:
        frozen, created = freeze_ledger(store.engine, store.objects, ledger.id, codecs=store.codecs)
    except Exception as exc:
        if is_transient(exc):
            raise
        if isinstance(exc, _PERMANENT):
            reason = record_failure(store.engine, ledger.id, exc)
        else:
            reason = failure_reason(exc)
            log.exception("backfill of ledger file %s failed", ledger.id, extra={"ledger_file_id": ledger.id})
        return FileOutcome(
            ledger_file_id=ledger.id,
            outcome="error",
            source=source,
            error=reason,
            error_type=type(exc).__name__,
        )
    log.info(
        "backfill of ledger file %s: %s",
        ledger.id,
        "created" if created else "already had an artifact",
        extra={"ledger_file_id": ledger.id, "source": source},
    )
    return FileOutcome(
        ledger_file_id=ledger.id,
        outcome="created" if created else "skipped",
        source=source,
        record_count=frozen.record_count or 0,
    )


def _freeze_reporting_transient(store: Storage, ledger: LedgerFile) -> FileOutcome:
    try:
        return freeze_one(store, ledger)
    except Exception as exc:  # only transient errors reach here; a rerun picks the file up
        reason = f"{failure_reason(exc)} (transient: run backfill again)"
        return FileOutcome(ledger_file_id=ledger.id, outcome="error", error=reason)


def run_backfill(
    store: Storage,
    plan: BackfillPlan,
    *,
    jobs: int = 1,
    on_outcome: Callable[[FileOutcome], None] | None = None,
) -> BackfillReport:
    """Freeze every candidate of the plan, in this process or in `jobs` processes."""
    report = BackfillReport(skipped=plan.already_frozen)
    outcomes = (
        (_freeze_reporting_transient(store, ledger) for ledger in plan.candidates)
        if jobs <= 1
        else _in_processes(store, plan.candidates, jobs)
    )
    for outcome in outcomes:
        report.add(outcome)
        if on_outcome is not None:
            on_outcome(outcome)
    return report


def _in_processes(store: Storage, ledgers: Iterable[LedgerFile], jobs: int) -> Iterator[FileOutcome]:
    # Normalizing is CPU-bound: processes, not threads. Each child opens its own store once;
    # a child that dies takes only its own file down (`ledgerstore.ops.backfill_pool`).
    if store.settings is None:
        raise ValueError("backfill with several jobs needs the store's settings (open it from settings)")

    def died(ledger: LedgerFile, exc: ProcessDiedError) -> FileOutcome:
        reason = record_failure(store.engine, ledger.id, exc)
        return FileOutcome(
            ledger_file_id=ledger.id, outcome="error", error=reason, error_type=type(exc).__name__
        )

    yield from run_isolated(
        ledgers,
        _freeze_in_child,
        jobs=jobs,
        initializer=_open_child_store,
        settings=store.settings,
        on_death=died,
    )


#: The store of a backfill child process (set once by the pool initializer, per process), or
#: why it could not be opened (every file of that child is then a transient error).
_CHILD: dict[str, Storage] = {}
_CHILD_ERROR: list[Exception] = []


def _open_child_store(settings: Settings) -> None:
    try:
        _CHILD["store"] = OpenedStorage.open(settings)
    except Exception as exc:  # a pool whose initializer raises is "broken": report it per file
        _CHILD_ERROR.append(exc)


def _freeze_in_child(ledger: LedgerFile) -> FileOutcome:
    if "store" not in _CHILD:
        reason = f"{failure_reason(_CHILD_ERROR[0])} (transient: run backfill again)"
        return FileOutcome(ledger_file_id=ledger.id, outcome="error", error=reason)
    return _freeze_reporting_transient(_CHILD["store"], ledger)


def default_profile(store: Storage, plan: BackfillPlan, profile: str) -> BackfillPlan:
    """Give the plan's legacy files that have no profile this one (stored on them), before freezing.

    `profile` is a shipped profile's name or a profile file, checked now. Active ledgers are
    frozen from their hot rows and keep their options; failed files are corrected with
    `reprocess`, not here.
    """
    chosen = NormalizeOptions.build(profile=profile)
    updated: list[LedgerFile] = []
    with store.engine.begin() as connection:
        for candidate in plan.candidates:
            options = NormalizeOptions.from_json(candidate.normalize_options)
            if candidate.status == Status.REGISTERED and options.profile_name is None:
                repository.set_options(connection, candidate.id, options.corrected(chosen).to_json())
                candidate = repository.get(connection, candidate.id)  # noqa: PLW2901 - the stored one
            updated.append(candidate)
    return BackfillPlan(candidates=tuple(updated), already_frozen=plan.already_frozen)

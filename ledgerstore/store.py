"""`LedgerStore`: the one entry point for templating code, report jobs and workers.

store = LedgerStore.open()                     # settings from the environment
ledger = store.ingest("gl.csv", account="4000", fiscal_year=2025).ledger
with store.records(ledger.id) as records:      # hot, cold or reprocessed
    df = records.to_dataframe()
"""

from __future__ import annotations

import datetime as dt
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

from sqlalchemy.engine import Engine

from ledgerstore.artifacts.codec import CodecRegistry
from ledgerstore.artifacts.ensure import freeze_ledger
from ledgerstore.artifacts.formats import DEFAULT_CODECS
from ledgerstore.db.database import open_database
from ledgerstore.errors import UploadRejectedError
from ledgerstore.ledgers import repository
from ledgerstore.ledgers.arguments import check_account, check_fiscal_year, check_ledger_id
from ledgerstore.ledgers.issue_repository import stored_issues
from ledgerstore.ledgers.issues import IssueSet
from ledgerstore.ledgers.model import LedgerFile
from ledgerstore.ledgers.options import NormalizeOptions
from ledgerstore.ledgers.status import CORRECTABLE
from ledgerstore.lifecycle.process import OnStage, process_ledger
from ledgerstore.lifecycle.register import RegisterSummary, register_manifest
from ledgerstore.lifecycle.reprocess import AlreadyProcessedError, reprocess_ledger
from ledgerstore.lifecycle.upload import OnCreated, Upload, upload
from ledgerstore.objectstore.base import ObjectStore
from ledgerstore.ops.storage import open_objects
from ledgerstore.raw import normalize_upload
from ledgerstore.serve.observer import RetrievalObserver
from ledgerstore.serve.recordset import RecordSet
from ledgerstore.serve.retriever import Retriever
from ledgerstore.settings import DEFAULT_HOT_OWN_PARTITION_ROWS, Settings

#: Largest raw file accepted by `ingest` (the normalizer has its own, finer limits).
MAX_UPLOAD_BYTES = 1 << 30


class LedgerStore:
    """Ledgers hot in PostgreSQL and cold in object storage, served from any tier."""

    def __init__(
        self,
        *,
        engine: Engine,
        objects: ObjectStore,
        settings: Settings | None = None,
        observer: RetrievalObserver | None = None,
        codecs: CodecRegistry = DEFAULT_CODECS,
    ) -> None:
        self.engine = engine
        self.objects = objects
        self.settings = settings
        #: The artifact formats read, and the one written (`ledgerstore.artifacts.codec`).
        self.codecs = codecs
        #: Records from which a ledger gets a hot partition of its own (`Settings`).
        self.own_partition_rows = (
            settings.hot_own_partition_rows if settings is not None else DEFAULT_HOT_OWN_PARTITION_ROWS
        )
        self._retriever = Retriever(engine, objects, observer, codecs=codecs)

    def observe(self, observer: RetrievalObserver) -> None:
        """Report every read (tier, reprocess, integrity incident) to `observer` from now on."""
        self._retriever.observer = observer

    @classmethod
    def open(cls, settings: Settings | None = None) -> LedgerStore:
        """Open the store named by `settings` (default: from the environment), migrating if needed."""
        settings = settings or Settings.from_env(os.environ)
        engine = open_database(settings)
        objects = open_objects(settings)
        return cls(engine=engine, objects=objects, settings=settings)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> LedgerStore:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- uploads ---------------------------------------------------------------------------

    def upload(
        self,
        file: str | os.PathLike[str] | bytes | BinaryIO,
        *,
        account: str,
        fiscal_year: int,
        name: str | None = None,
        profile: str | os.PathLike[str] | None = None,
        encoding: str | None = None,
        sheet: str | int | None = None,
        accept_issues: bool | None = None,
        uploaded_at: dt.datetime | None = None,
        on_created: OnCreated | None = None,
    ) -> Upload:
        """Store the raw file and create its ledger-file row, without processing it.

        `accept_issues` (default: the `accept_issues` setting) is stored with it: processing then
        accepts rows that could not become records instead of rejecting the upload.
        """
        check_account(account)
        check_fiscal_year(fiscal_year)
        options = self._options(profile, encoding, sheet, accept_issues)
        data, default_name = _read_upload(file)
        return upload(
            self.engine,
            self.objects,
            data,
            account=account,
            fiscal_year=fiscal_year,
            original_name=name or default_name,
            options=options,
            uploaded_at=uploaded_at,
            on_created=on_created,
        )

    def ingest(
        self,
        file: str | os.PathLike[str] | bytes | BinaryIO,
        *,
        account: str,
        fiscal_year: int,
        name: str | None = None,
        profile: str | os.PathLike[str] | None = None,
        encoding: str | None = None,
        sheet: str | int | None = None,
        accept_issues: bool | None = None,
        on_stage: OnStage | None = None,
    ) -> Upload:
        """Upload and process inline: the returned ledger is active, superseded, rejected or failed.

        Identical bytes already uploaded as a failed or rejected ledger file are retried in place
        when the options differ (`reprocess`); as a processed one with other options, it is an
        `AlreadyProcessedError` (its records are frozen). `on_stage(name)` is called after each
        stage of processing (normalized, frozen, switched), for progress bars.
        """
        check_account(account)
        check_fiscal_year(fiscal_year)
        options = self._options(profile, encoding, sheet, accept_issues)
        data, default_name = _read_upload(file)
        original_name = name or default_name
        with self.engine.connect() as connection:
            reserved = repository.reserve_id(connection)
        # The raw bytes are hashed, stored and their row created (I/O, mostly without the GIL)
        # while they are normalized for the id that row will have (pure, writes nothing): a crash
        # in either leaves what an upload alone would.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="upload") as pool:
            uploading = pool.submit(
                upload,
                self.engine,
                self.objects,
                data,
                account=account,
                fiscal_year=fiscal_year,
                original_name=original_name,
                options=options,
                ledger_file_id=reserved,
            )
            early = normalize_upload(
                data, options, fiscal_year=fiscal_year, name=original_name, ledger_file_id=reserved
            )
            result = uploading.result()
        if result.created:
            # The row was created from these bytes just now: use them, not a read-back, and what
            # they normalized to if it was for this very row (its id, options and name).
            mine = (
                result.ledger.id == reserved
                and result.ledger.normalize_options == options.to_json()
                and result.ledger.original_name == original_name
            )
            ledger = process_ledger(
                self.engine,
                self.objects,
                result.ledger.id,
                codecs=self.codecs,
                on_stage=on_stage,
                own_partition_rows=self.own_partition_rows,
                raw=data,
                early=early if mine else None,
            )
        else:
            ledger = self._retry(result.ledger, options, on_stage)
        return Upload(ledger=ledger, created=result.created, issues=self.issues(ledger.id))

    def _retry(self, existing: LedgerFile, options: NormalizeOptions, on_stage: OnStage | None) -> LedgerFile:
        stored = NormalizeOptions.from_json(existing.normalize_options)
        if existing.status in CORRECTABLE and options != stored:
            return reprocess_ledger(
                self.engine,
                self.objects,
                existing.id,
                options,
                replace_all=True,
                codecs=self.codecs,
                on_stage=on_stage,
                own_partition_rows=self.own_partition_rows,
            )
        if existing.status.processed and not options.normalizes_like(stored):
            raise AlreadyProcessedError(
                f"{existing.original_name} is already ledger file {existing.id} ({existing.status}),"
                " normalized with other options; its records are frozen (write-once), so it is not"
                " normalized again: compare with `ledgerstore normalize FILE --explain`"
                " (`ledgerstore reprocess` corrects failed or rejected uploads only)"
            )
        return self.process(existing.id)

    def correction(
        self,
        ledger_file_id: int,
        *,
        profile: str | os.PathLike[str] | None = None,
        encoding: str | None = None,
        sheet: str | int | None = None,
        accept_issues: bool | None = None,
    ) -> NormalizeOptions:
        """The option changes a reprocess of the ledger file makes (checked now; a profile read now)."""
        check_ledger_id(ledger_file_id)
        return self._options(profile, encoding, sheet, accept_issues)

    def _options(
        self,
        profile: str | os.PathLike[str] | None,
        encoding: str | None,
        sheet: str | int | None,
        accept_issues: bool | None,
    ) -> NormalizeOptions:
        if accept_issues is None:
            accept_issues = self.settings.accept_issues if self.settings is not None else False
        return NormalizeOptions.build(
            profile=profile, encoding=encoding, sheet=sheet, accept_issues=accept_issues
        )

    def process(self, ledger_file_id: int) -> LedgerFile:
        """Normalize, freeze and switch in an uploaded ledger file (idempotent)."""
        check_ledger_id(ledger_file_id)
        return process_ledger(
            self.engine,
            self.objects,
            ledger_file_id,
            codecs=self.codecs,
            own_partition_rows=self.own_partition_rows,
        )

    def reprocess(
        self,
        ledger_file_id: int,
        *,
        profile: str | os.PathLike[str] | None = None,
        encoding: str | None = None,
        sheet: str | int | None = None,
        accept_issues: bool | None = None,
        on_stage: OnStage | None = None,
    ) -> Upload:
        """Correct a failed or rejected upload in place with new options, then switch it in.

        Options not given keep their stored values. Raises `NotCorrectableError` for a ledger
        file that is processed (its records are frozen) or being processed.
        """
        changes = self.correction(
            ledger_file_id, profile=profile, encoding=encoding, sheet=sheet, accept_issues=accept_issues
        )
        ledger = reprocess_ledger(
            self.engine,
            self.objects,
            ledger_file_id,
            changes,
            codecs=self.codecs,
            on_stage=on_stage,
            own_partition_rows=self.own_partition_rows,
        )
        return Upload(ledger=ledger, created=False, issues=self.issues(ledger_file_id))

    def freeze(self, ledger_file_id: int) -> tuple[LedgerFile, bool]:
        """Make sure a ledger file has an artifact; True when one was created now."""
        check_ledger_id(ledger_file_id)
        return freeze_ledger(self.engine, self.objects, ledger_file_id, codecs=self.codecs)

    def register(self, manifest: str | os.PathLike[str]) -> RegisterSummary:
        """Register legacy uploads listed in a manifest, without processing them."""
        return register_manifest(self.engine, self.objects, Path(manifest))

    # -- reads -----------------------------------------------------------------------------

    def records(self, ledger_file_id: int) -> RecordSet:
        """The ledger file's records from the cheapest tier that has them (hot, cold, reprocessed)."""
        check_ledger_id(ledger_file_id)
        return self._retriever.records(ledger_file_id)

    def ledger(self, ledger_file_id: int) -> LedgerFile:
        check_ledger_id(ledger_file_id)
        with self.engine.connect() as connection:
            return repository.get(connection, ledger_file_id)

    def issues(self, ledger_file_id: int) -> IssueSet | None:
        """The ledger file's issues (counts of all, the first ones in full); None when it has not
        been normalized by a version that keeps them (legacy, pending, failed)."""
        check_ledger_id(ledger_file_id)
        with self.engine.connect() as connection:
            ledger = repository.get(connection, ledger_file_id)
            counts = ledger.issue_counts
            return None if counts is None else stored_issues(connection, ledger_file_id, counts)

    def active(self, account: str, fiscal_year: int) -> LedgerFile | None:
        """The active ledger file of an account + fiscal year, if any."""
        check_account(account)
        check_fiscal_year(fiscal_year)
        with self.engine.connect() as connection:
            return repository.active(connection, account, fiscal_year)

    def history(self, account: str, fiscal_year: int) -> list[LedgerFile]:
        """Every upload of an account + fiscal year, oldest first."""
        check_account(account)
        check_fiscal_year(fiscal_year)
        with self.engine.connect() as connection:
            return repository.history(connection, account, fiscal_year)

    def ledgers(self, **filters: Any) -> list[LedgerFile]:
        """Ledger files matching the filters of `repository.search` (account, fiscal_year, status, ...)."""
        if filters.get("account") is not None:
            check_account(filters["account"])
        if filters.get("fiscal_year") is not None:
            check_fiscal_year(filters["fiscal_year"])
        with self.engine.connect() as connection:
            return repository.search(connection, **filters)


def _read_upload(file: str | os.PathLike[str] | bytes | BinaryIO) -> tuple[bytes, str]:
    if isinstance(file, bytes):
        data, name = file, "upload"
    elif isinstance(file, str | os.PathLike):
        path = Path(file)
        if path.stat().st_size > MAX_UPLOAD_BYTES:
            raise UploadRejectedError(f"{path} is larger than the {MAX_UPLOAD_BYTES >> 20} MiB upload limit")
        data, name = path.read_bytes(), path.name
    else:
        data = file.read(MAX_UPLOAD_BYTES + 1)
        name = Path(str(getattr(file, "name", "upload"))).name
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRejectedError(f"the file is larger than the {MAX_UPLOAD_BYTES >> 20} MiB upload limit")
    return data, name

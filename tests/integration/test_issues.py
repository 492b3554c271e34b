"""Issues are kept with every ledger file, frozen beside its artifact, and bound the API's arguments."""

from __future__ import annotations

import gzip
import hashlib
import json

import pytest
import sqlalchemy as sa

from ledgerstore import LedgerStore, Status
from ledgerstore.artifacts.sidecar import decode_sidecar, encode_sidecar, sidecar_key
from ledgerstore.db.schema import ledger_issues
from ledgerstore.ledgers.arguments import InvalidArgumentError
from ledgerstore.ledgers.issue_repository import record_issues
from ledgerstore.ledgers.issues import MAX_STORED_ISSUES, MAX_TEXT, IssueCounts, issues_of
from ledgerstore.ops.verify import verify_store
from normalizer import CheckResult, Issue, NormalizeResult

BAD_ROW = (
    b"Date,Account,Description,Debit,Credit\n"
    b"2025-01-01,4000,a,10.00,\n"
    b"2025-01-02,4000,b,,10.00\n"
    b"2025-01-03,4000,c,,abc\n"
)


def test_rejected_upload_keeps_its_issues_and_nothing_is_switched(store: LedgerStore) -> None:
    good = store.ingest(BAD_ROW.replace(b",abc", b",5.00"), account="A", fiscal_year=2025)
    assert good.ledger.status == Status.ACTIVE
    rejected = store.ingest(BAD_ROW, account="A", fiscal_year=2025, name="bad.csv")
    assert rejected.ledger.status == Status.REJECTED
    assert not rejected.ledger.has_artifact
    assert rejected.issues is not None and rejected.issues.counts == IssueCounts(error=1)
    [issue] = rejected.issues.items
    assert (issue.severity, issue.row, issue.column, issue.raw) == ("error", 4, "Credit", "abc")
    assert store.active("A", 2025) == store.ledger(good.ledger.id)  # nothing switched
    assert store.issues(rejected.ledger.id) == rejected.issues
    assert not store.objects.exists(sidecar_key(rejected.ledger.id))
    with pytest.raises(Exception, match="rejected"):
        store.records(rejected.ledger.id)


def test_accepted_upload_freezes_a_canonical_sidecar_that_verifies(store: LedgerStore) -> None:
    result = store.ingest(BAD_ROW, account="A", fiscal_year=2025, accept_issues=True)
    ledger = result.ledger
    assert ledger.status == Status.ACTIVE and ledger.record_count == 2
    assert ledger.issues_key == sidecar_key(ledger.id) == f"ledger-artifacts/{ledger.id}.issues.json.gz"
    data = store.objects.read_bytes(ledger.issues_key)
    assert hashlib.sha256(data).hexdigest() == ledger.issues_sha256 and len(data) == ledger.issues_size
    assert data[4:8] == b"\x00\x00\x00\x00"  # gzip mtime=0
    document = json.loads(gzip.decompress(data))
    assert list(document) == ["format", "ledger_file_id", "counts", "stored", "issues"]
    assert list(document["issues"][0]) == ["severity", "row", "column", "raw", "message", "code"]
    assert decode_sidecar(data) == (ledger.id, result.issues)
    assert encode_sidecar(ledger.id, store.issues(ledger.id)) == data  # type: ignore[arg-type]
    report = verify_store(store, deep=True)
    assert report.ok and report.issues_checked == 1


def test_verify_catches_a_damaged_sidecar_and_altered_issue_rows(store: LedgerStore) -> None:
    ledger = store.ingest(BAD_ROW, account="A", fiscal_year=2025, accept_issues=True).ledger
    with store.engine.begin() as connection:
        connection.execute(sa.update(ledger_issues).values(raw_value="xyz"))
    assert verify_store(store).ok  # a shallow check compares the object with its recorded checksum
    deep = verify_store(store, deep=True)
    assert [d.kind for d in deep.discrepancies] == ["issues_checksum"]
    assert ledger.issues_key is not None
    path = store.objects.url.removeprefix("file://") + "/" + ledger.issues_key
    with open(path, "r+b") as file:
        file.seek(12)
        file.write(b"\xff")
    assert [d.kind for d in verify_store(store).discrepancies] == ["issues_checksum"]


def test_reprocess_corrects_in_place_and_keeps_the_sequence(store: LedgerStore) -> None:
    rejected = store.ingest(BAD_ROW, account="A", fiscal_year=2025).ledger
    fixed = store.reprocess(rejected.id, accept_issues=True)
    assert (fixed.ledger.id, fixed.ledger.sequence, fixed.ledger.status) == (
        rejected.id,
        rejected.sequence,
        "active",
    )
    assert fixed.issues is not None and fixed.issues.counts.error == 1
    with pytest.raises(Exception, match="only failed or rejected"):
        store.reprocess(rejected.id, sheet="other")


def test_backfilled_and_lazily_read_legacy_files_get_their_issues(
    store: LedgerStore, tmp_path: object
) -> None:
    legacy = store.upload(BAD_ROW, account="L", fiscal_year=2025, uploaded_at=None).ledger
    with store.engine.begin() as connection:  # a legacy upload: registered, never processed
        connection.execute(
            sa.text("UPDATE ledger_files SET status = 'registered' WHERE id = :id"), {"id": legacy.id}
        )
    frozen, created = store.freeze(legacy.id)
    assert created and frozen.issues_key is not None
    assert store.issues(legacy.id) is not None and store.issues(legacy.id).counts.error == 1  # type: ignore[union-attr]


def test_only_the_first_issues_are_kept_in_full_errors_first(store: LedgerStore) -> None:
    rows = [b"Date,Account,Description,Debit,Credit"]
    rows += [b"2024-06-01,4000,out of year,1.00," for _ in range(MAX_STORED_ISSUES + 50)]
    rows.append(b"2025-01-03,4000,c,,abc")
    result = store.ingest(b"\n".join(rows) + b"\n", account="B", fiscal_year=2025, accept_issues=True)
    issues = result.issues
    assert issues is not None and issues.truncated
    assert issues.counts.error == 1 and issues.counts.warning >= MAX_STORED_ISSUES + 50
    assert len(issues.items) == MAX_STORED_ISSUES
    assert issues.items[0].severity == "error"  # never crowded out by warnings


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda s: s.history("ACME", "2025"), "fiscal_year"),
        (lambda s: s.active("ACME", 99999), "fiscal_year"),
        (lambda s: s.history("", 2025), "account"),
        (lambda s: s.ledgers(account=7), "account"),
        (lambda s: s.records("1"), "ledger_file_id"),
        (lambda s: s.ingest(BAD_ROW, account="A", fiscal_year=True), "fiscal_year"),
    ],
)
def test_the_api_names_a_bad_argument_before_storing_anything(
    store: LedgerStore, call, argument: str
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidArgumentError) as raised:
        call(store)
    assert raised.value.argument == argument
    assert store.ledgers() == []


def test_stored_text_is_bounded_and_nul_free(store: LedgerStore) -> None:
    result = NormalizeResult(
        records=(),
        issues=(Issue(row=2, column="Cre\x00dit", raw="\x00" + "9" * 5000, message="not an amount"),),
        detected={},
        checks=(CheckResult(name="journal_balance", passed=False, message="J1 is off by 1.00"),),
        normalizer_version="test",
    )
    issues = issues_of(result)
    assert issues.counts == IssueCounts(error=1, warning=1)
    error, check = issues.items
    assert error.column == "Cre\\x00dit" and error.raw is not None and len(error.raw) == MAX_TEXT
    assert error.raw.startswith("\\x00999") and error.raw.endswith("…")
    assert (check.severity, check.code, check.row) == ("warning", "check-journal_balance", None)
    ledger = store.upload(BAD_ROW, account="T", fiscal_year=2025).ledger
    with store.engine.begin() as connection:  # PostgreSQL takes it as it is (no NUL)
        record_issues(connection, ledger.id, issues, None)
    assert store.issues(ledger.id) == issues


def test_report_provenance_names_the_issue_counts_whichever_tier(store: LedgerStore) -> None:
    import reporting

    first = store.ingest(BAD_ROW, account="P", fiscal_year=2025, accept_issues=True).ledger
    hot, _ = reporting.run_report(store, "trial-balance", [first.id])
    store.ingest(BAD_ROW.replace(b",abc", b",1.00"), account="P", fiscal_year=2025)  # first goes cold
    cold, tiers = reporting.run_report(store, "trial-balance", [first.id])
    assert tiers == ("cold",)
    rendered = reporting.render(hot, "csv")
    assert rendered == reporting.render(cold, "csv")
    assert b"issues_error,1\r\nissues_warning,0\r\nissues_info,0\r\n" in rendered


def test_a_reprocess_that_fails_forgets_the_issues_of_the_attempt_before(store: LedgerStore) -> None:
    rejected = store.ingest(BAD_ROW, account="R", fiscal_year=2025).ledger
    assert store.issues(rejected.id) is not None
    failed = store.reprocess(rejected.id, encoding="utf-99").ledger
    assert failed.status == Status.FAILED and failed.error
    assert store.issues(rejected.id) is None  # not the rejected attempt's issues any more
    with store.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(ledger_issues)).scalar_one() == 0
    assert store.reprocess(rejected.id, encoding="utf-8", accept_issues=True).ledger.status == Status.ACTIVE


def test_a_rejected_ledger_cannot_lose_its_error_counts(store: LedgerStore) -> None:
    rejected = store.ingest(BAD_ROW, account="R", fiscal_year=2025).ledger
    with (
        pytest.raises(sa.exc.IntegrityError, match="rejected_has_errors"),
        store.engine.begin() as connection,
    ):
        connection.execute(
            sa.text(
                "UPDATE ledger_files SET issues_error = NULL, issues_warning = NULL, issues_info = NULL"
                " WHERE id = :id"
            ),
            {"id": rejected.id},
        )


def test_migration_0004_downgrades_and_upgrades_again(store: LedgerStore) -> None:
    from alembic import command

    from ledgerstore.db.migrate import alembic_config, current_revision, upgrade

    rejected = store.ingest(BAD_ROW, account="M", fiscal_year=2025).ledger
    with store.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0003")
    with store.engine.connect() as connection:
        assert current_revision(connection) == "0003"
        status, error = connection.execute(
            sa.text("SELECT status, error FROM ledger_files WHERE id = :id"), {"id": rejected.id}
        ).one()
    assert (status, error) == ("failed", "rejected")  # the old schema has no rejected status
    assert upgrade(store.engine, "0004") == "0004"
    assert store.ledger(rejected.id).status == Status.FAILED

"""Two artifact formats side by side: a format-1 artifact and a toy format-2 one are both served
from the cold tier and verified, each read with the codec its database row names."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL

from ledgerstore import LedgerStore
from ledgerstore.artifacts.formats import DEFAULT_CODECS
from ledgerstore.db.engine import create_engine
from ledgerstore.db.migrate import upgrade
from ledgerstore.errors import ArtifactFormatError
from ledgerstore.ops.verify import verify_store
from normalizer import normalize
from tests.artifact_v2 import V2


def test_format_1_and_a_registered_format_2_are_both_served_and_verified(
    store: LedgerStore, ledger_fixture: Path
) -> None:
    v1 = store.ingest(ledger_fixture / "acme-2025-v1.csv", account="ACME", fiscal_year=2025).ledger
    assert (v1.artifact_format, v1.artifact_key) == (1, f"ledger-artifacts/{v1.id}.json.gz")

    both = DEFAULT_CODECS.with_codec(V2, write=True)
    newer = LedgerStore(engine=store.engine, objects=store.objects, codecs=both)
    v2 = newer.ingest(ledger_fixture / "acme-2025-v2.csv", account="ACME", fiscal_year=2025).ledger
    newer.ingest(ledger_fixture / "acme-2025-v3.csv", account="ACME", fiscal_year=2025)
    assert (v2.artifact_format, v2.artifact_key) == (2, f"ledger-artifacts/v2/{v2.id}.jsonl.gz")
    assert store.objects.exists(v2.artifact_key)

    for ledger, source in ((v1, "acme-2025-v1.csv"), (v2, "acme-2025-v2.csv")):
        with newer.records(ledger.id) as records:
            assert records.tier == "cold"
            served = records.to_list()
            assert records.served_sha256 == ledger.records_sha256
        expected = normalize(ledger_fixture / source, fiscal_year=2025, ledger_file_id=ledger.id).records
        assert served == list(expected)

    report = verify_store(newer, deep=True)
    assert report.ok and report.artifacts_checked == 3

    # A ledgerstore that does not know format 2 says so; it never guesses.
    with pytest.raises(ArtifactFormatError, match="artifact format 2 is unknown"):
        store.records(v2.id)


def test_migration_0003_records_format_1_for_artifacts_written_before_it(empty_database_url: URL) -> None:
    engine = create_engine(empty_database_url)
    upgrade(engine, "0002")
    row = {
        "account": "ACME",
        "fiscal_year": 2025,
        "original_name": "gl.csv",
        "raw_key": "ledger-raw/x",
        "raw_sha256": "a" * 64,
        "raw_size": 1,
        "sequence": 1,
        "uploaded_at": dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        "status": "registered",
    }
    columns = ", ".join(row)
    values = ", ".join(f":{name}" for name in row)
    insert = sa.text(f"INSERT INTO ledger_files ({columns}) VALUES ({values})")
    with engine.begin() as connection:
        connection.execute(insert, row)
        frozen = {**row, "raw_sha256": "b" * 64, "sequence": 2}
        connection.execute(insert, frozen)
        connection.execute(
            sa.text(
                "UPDATE ledger_files SET artifact_key = 'ledger-artifacts/2.json.gz',"
                " artifact_sha256 = :sha, artifact_size = 10 WHERE sequence = 2"
            ),
            {"sha": "c" * 64},
        )
    upgrade(engine)
    with engine.connect() as connection:
        formats = connection.execute(
            sa.text("SELECT sequence, artifact_format FROM ledger_files ORDER BY sequence")
        ).all()
    assert [tuple(f) for f in formats] == [(1, None), (2, 1)]
    engine.dispose()

"""A large ordinary CSV takes the columnar path end to end: artifact, hot rows and every tier
serve the records the general path gives, byte for byte."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from sqlalchemy.engine import Engine

from bench.generate import write_csv
from ledgerstore import LedgerStore
from normalizer import normalize
from normalizer.canonical import jsonl_lines
from normalizer.fast import MIN_BYTES

pytestmark = pytest.mark.slow


def test_large_csv_ingests_through_the_columnar_path(store: LedgerStore, tmp_path: Path) -> None:
    path = tmp_path / "gl.csv"
    write_csv(path, 50_000)
    assert path.stat().st_size >= MIN_BYTES
    ledger = store.ingest(path, account="BIG", fiscal_year=2025).ledger
    assert ledger.status == "active"
    general = normalize(path, fiscal_year=2025, ledger_file_id=ledger.id, fast_path=False)
    expected = b"".join(jsonl_lines(general.records))
    assert ledger.records_sha256 == hashlib.sha256(expected).hexdigest()
    assert ledger.record_count == len(general.records)
    with store.records(ledger.id) as records:
        assert records.tier == "hot"
        assert b"".join(jsonl_lines(records)) == expected
    assert str(ledger.debit_total) == str(sum(r.debit for r in general.records))


_HOSTILE = [
    'say "hi", then go',
    "back\\slash \\N and \\. alone",
    "tab\there",
    "\\.",
    "",
    "naïve café — 東京 🚀",
    "a,b,,c",
    '""',
    "NULL",
]


def test_hostile_texts_survive_the_columnar_copy(store: LedgerStore, tmp_path: Path) -> None:
    """Quotes, commas, backslashes, tabs, COPY's own markers (`\\N`, `\\.`), empty texts and
    non-ASCII come back from the hot rows exactly as the general path reads them."""
    import csv
    import io

    from normalizer.fast.records import ColumnRecords

    source = tmp_path / "plain.csv"
    write_csv(source, 50_000)
    rows = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8"), newline="")))
    column = rows[0].index("Description")
    for i, text in enumerate(_HOSTILE * 20):
        rows[1 + i * 97][column] = text
    path = tmp_path / "hostile.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out, lineterminator="\r\n").writerows(rows)
    assert isinstance(normalize(path, fiscal_year=2025).records, ColumnRecords)  # the columnar path

    ledger = store.ingest(path, account="HOSTILE", fiscal_year=2025).ledger
    assert ledger.status == "active"
    general = normalize(path, fiscal_year=2025, ledger_file_id=ledger.id, fast_path=False)
    with store.records(ledger.id) as records:
        assert records.tier == "hot"
        served = records.to_list()
    assert served == list(general.records)
    assert {r.description for r in served} >= set(_HOSTILE) - {""}


@pytest.mark.parametrize("scale", [2, 0, 6])
def test_columnar_copy_stores_the_canonical_records(engine: Engine, scale: int) -> None:
    """Columnar records come back from a staged partition exactly, canonical lines byte for byte
    (each amount with its own decimals): in binary from their typed columns (scale 2, scale 0),
    and as CSV where an amount needs more than two decimals (scale 6)."""
    from psycopg import sql

    from ledgerstore.hot.copy import COLUMNS
    from ledgerstore.hot.partitions import stage_partition, stream_query
    from normalizer.fast.records import ColumnRecords
    from tests.unit.normalizer.test_canonical_columns import _column_records

    made = _column_records(70_000, seed=scale, scale=scale)  # more than one COPY batch
    # No database text holds a NUL; the readers replace it before any record is made.
    columns = made._columns
    for i, field in enumerate(columns.schema):
        if pa.types.is_string(field.type):
            columns = columns.set_column(i, field, pc.replace_substring(columns.column(i), "\x00", "\ufffd"))
    records = ColumnRecords(ledger_file_id=9, columns=columns, debit=made.debit, credit=made.credit)
    assert (records.typed_columns(0, 1) is None) == (scale > 2)
    with engine.connect() as connection, connection.begin() as transaction:
        staged = stage_partition(connection, 9, records)
        query = sql.SQL("SELECT {} FROM {} ORDER BY row_number").format(COLUMNS, sql.Identifier(staged.table))
        served = list(stream_query(connection, 9, query))
        transaction.rollback()
    assert b"".join(jsonl_lines(served)) == b"".join(jsonl_lines(list(records)))
    assert staged.summary.records_sha256 == records.canonical_digest()[0]

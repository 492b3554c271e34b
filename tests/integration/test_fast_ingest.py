"""A large ordinary CSV takes the columnar path end to end: artifact, hot rows and every tier
serve the records the general path gives, byte for byte."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

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

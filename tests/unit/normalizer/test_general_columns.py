"""The general path's records as columns: the same result as records held one by one.

`RecordCollector` turns every chunk of records into columns. With a chunk of a few records,
every fixture (real exports, profiles, fixed-width, totals, continuation lines) and the
generated report files go through it; each result must equal the one built with records kept
as a tuple: canonical bytes, issues, detections and checks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import normalizer.fast.collect as collect
from bench.generate import Layout, write_csv
from normalizer import NormalizeResult, normalize
from normalizer.canonical import jsonl_lines
from normalizer.errors import NormalizerError
from normalizer.fast.records import ColumnRecords

from .test_fast_path import INPUTS, ROOT


def _general(
    data: bytes, chunk: int, monkeypatch: pytest.MonkeyPatch, **options: object
) -> NormalizeResult | str:
    monkeypatch.setattr(collect, "CHUNK", chunk)
    try:
        return normalize(data, name="ledger.csv", fast_path=False, **options)  # type: ignore[arg-type]
    except NormalizerError as exc:
        return f"{type(exc).__name__}: {exc}"


def _assert_same_result(columns: NormalizeResult | str, records: NormalizeResult | str) -> None:
    if isinstance(columns, str) or isinstance(records, str):
        assert columns == records
        return
    assert isinstance(records.records, tuple)
    assert b"".join(jsonl_lines(columns.records)) == b"".join(jsonl_lines(records.records))
    assert list(columns.records) == list(records.records)
    assert columns.issues == records.issues
    assert columns.detected == records.detected
    assert columns.checks == records.checks


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_fixtures_give_the_same_result_from_columns(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = path.read_bytes()
    columns = _general(data, 3, monkeypatch, fiscal_year=2025, ledger_file_id=3)
    records = _general(data, 10**9, monkeypatch, fiscal_year=2025, ledger_file_id=3)
    _assert_same_result(columns, records)
    if isinstance(columns, NormalizeResult) and len(columns.records) >= 3:
        assert isinstance(columns.records, ColumnRecords)


@pytest.mark.parametrize(
    "layout",
    [
        Layout(),
        Layout(totals_every=50, page_header_every=500),
        Layout(continuation=True, totals_every=5, page_header_every=33),
    ],
    ids=["plain", "totals-and-headers", "continuation-split-by-totals"],
)
def test_generated_files_give_the_same_result_from_columns(
    tmp_path: Path, layout: Layout, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "gl.csv"
    write_csv(path, 3_000, layout=layout)
    data = path.read_bytes()
    columns = _general(data, 256, monkeypatch, fiscal_year=2024, ledger_file_id=8)
    records = _general(data, 10**9, monkeypatch, fiscal_year=2024, ledger_file_id=8)
    assert isinstance(columns, NormalizeResult) and isinstance(columns.records, ColumnRecords)
    _assert_same_result(columns, records)
    assert any(check.name == "fiscal_year" for check in columns.checks)

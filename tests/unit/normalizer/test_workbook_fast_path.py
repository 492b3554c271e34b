"""The columnar workbook path gives exactly the general path's result, or declines.

Every workbook fixture and a set of generated workbooks (quirks the path must prove absent or
handle: blank rows, a preamble, repeated headers, totals, text amounts, continuation rows,
booleans, several sheets) are normalized both ways and compared: canonical JSON Lines bytes
(so the records sha256), issues, detections and checks.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook

from bench.generate import write_xlsx
from normalizer import NormalizeResult, normalize
from normalizer.fast.records import ColumnRecords
from tests.unit.normalizer.test_fast_path import _assert_same, _both

ROOT = Path(__file__).resolve().parents[3]
WORKBOOKS = sorted(
    p
    for folder in ("fixtures/normalizer", "fixtures/samples", "fixtures/readers")
    for p in (ROOT / folder).rglob("*.xls*")
    if not p.name.endswith(".json")
)


def _book(rows: Sequence[Sequence[object]], *, extra_sheet: bool = False) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "GL"
    for row in rows:
        sheet.append(list(row))
    if extra_sheet:
        workbook.create_sheet("Notes").append(["nothing to see"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


HEADER = ("Date", "Journal", "Account", "Description", "Debit", "Credit", "Dept")


def _ledger(count: int = 40) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for n in range(count // 2):
        day = dt.date(2025, 1 + n % 12, 1 + n % 28)
        amount = 100 + n * 1.25 + (0.01 if n % 3 else 0)
        rows.append((day, f"J{n}", 1000 + n % 7, f"line {n}", amount, None, "Ops" if n % 2 else None))
        rows.append((day, f"J{n}", 2000, f"line {n}b", None, amount, 7))
    return rows


def _is_columnar(result: NormalizeResult | str) -> bool:
    return isinstance(result, NormalizeResult) and isinstance(result.records, ColumnRecords)


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
@pytest.mark.parametrize("fiscal_year", [None, 2025])
def test_workbook_fixtures_normalize_the_same_both_ways(path: Path, fiscal_year: int | None) -> None:
    _assert_same(*_both(path.read_bytes(), fiscal_year=fiscal_year, ledger_file_id=4))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("gl") / "gl_10k.xlsx"
    write_xlsx(path, 10_000)
    return path.read_bytes()


@pytest.mark.parametrize("fiscal_year", [2025, 2024, None])
def test_generated_workbook_takes_the_columnar_path_and_matches(
    generated: bytes, fiscal_year: int | None
) -> None:
    general, fast = _both(generated, fiscal_year=fiscal_year, ledger_file_id=9)
    assert _is_columnar(fast)
    _assert_same(general, fast)


def test_large_workbooks_take_the_columnar_path_by_default(generated: bytes) -> None:
    assert _is_columnar(normalize(generated, fiscal_year=2025))


TAKEN = {
    "plain": [HEADER, *_ledger()],
    "blank rows inside and after": [HEADER, *_ledger()[:10], (), (), *_ledger()[10:], (), ()],
    "preamble": [("General ledger 2025",), ("ACME Ltd",), (), HEADER, *_ledger()],
    "integral and negative amounts": [
        HEADER,
        *_ledger(),
        (dt.date(2025, 5, 1), "J", 1, "x", -5.0, 0.0, None),
    ],
    "datetimes and text dates": [
        HEADER,
        *_ledger(),
        (dt.datetime(2025, 5, 1, 13, 30), "J", 1, "x", 1.5, None, None),
        ("05/02/2025", "J", 1, "x", None, 1.5, None),
    ],
    "blank amount text": [HEADER, *_ledger(), (dt.date(2025, 5, 1), "J", 1, "x", 2.5, "  ", None)],
    "unbalanced journal": [HEADER, *_ledger(), (dt.date(2025, 5, 1), "JX", 1, "x", 2.5, None, None)],
}

DECLINED = {
    "repeated header": [HEADER, *_ledger()[:10], HEADER, *_ledger()[10:]],
    "total row": [HEADER, *_ledger(), ("Total", None, None, None, 1.0, 1.0, None)],
    "text amount": [HEADER, *_ledger(), (dt.date(2025, 5, 1), "J", 1, "x", "1,234.50", None, None)],
    "continuation row": [HEADER, *_ledger(), (None, None, 1, "more", 2.0, None, None)],
    "boolean cell": [HEADER, *_ledger(), (dt.date(2025, 5, 1), "J", 1, "x", 2.0, None, True)],
    "bad date": [HEADER, *_ledger(), ("31/31/2025", "J", 1, "x", 2.0, None, None)],
    "row without amount": [HEADER, *_ledger(), (dt.date(2025, 5, 1), "J", 1, "x", None, None, None)],
    "huge float amount": [HEADER, *_ledger(), (dt.date(2025, 5, 1), "J", 1, "x", 1e22, None, None)],
    "no header": [*_ledger()],
}


@pytest.mark.parametrize("name", sorted(TAKEN))
def test_taken_shapes_match(name: str) -> None:
    general, fast = _both(_book(TAKEN[name]), fiscal_year=2025)
    assert _is_columnar(fast), name
    _assert_same(general, fast)


@pytest.mark.parametrize("name", sorted(DECLINED))
def test_declined_shapes_still_match(name: str) -> None:
    general, fast = _both(_book(DECLINED[name]), fiscal_year=2025)
    assert not _is_columnar(fast), name
    _assert_same(general, fast)


def test_several_sheets_decline() -> None:
    general, fast = _both(_book([HEADER, *_ledger()], extra_sheet=True))
    assert not _is_columnar(fast)
    _assert_same(general, fast)

"""The columnar path gives exactly the general path's result, or declines.

Every input is normalized both ways and compared: canonical JSON Lines bytes (so the records
sha256), issues, detections and checks. Where the columnar path takes the file, its records
are also checked as a `Sequence[Record]` and in the COPY text form the hot table loads.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.generate import write_csv
from normalizer import NormalizeResult, normalize
from normalizer.canonical import jsonl_lines, records_sha256
from normalizer.errors import NormalizerError
from normalizer.fast.records import ColumnRecords

ROOT = Path(__file__).resolve().parents[3]
INPUTS = sorted(
    p
    for folder in ("fixtures/normalizer", "fixtures/samples", "fixtures/ledgers")
    for p in (ROOT / folder).rglob("*")
    if p.is_file() and not p.name.endswith((".json", ".md", ".toml"))
)


def _both(data: bytes, **options: object) -> tuple[NormalizeResult | str, NormalizeResult | str]:
    out = []
    for fast in (False, True):
        try:
            out.append(normalize(data, name="ledger.csv", fast_path=fast, **options))  # type: ignore[arg-type]
        except NormalizerError as exc:
            out.append(f"{type(exc).__name__}: {exc}")
    return out[0], out[1]


def _assert_same(general: NormalizeResult | str, fast: NormalizeResult | str) -> None:
    if isinstance(general, str) or isinstance(fast, str):
        assert general == fast
        return
    assert b"".join(jsonl_lines(fast.records)) == b"".join(jsonl_lines(general.records))
    assert fast.issues == general.issues
    assert fast.detected == general.detected
    assert list(fast.detected) == list(general.detected)
    assert fast.checks == general.checks
    if isinstance(fast.records, ColumnRecords):
        _assert_columnar(fast.records, general)


def _assert_columnar(records: ColumnRecords, general: NormalizeResult) -> None:
    assert len(records) == len(general.records)
    assert records == general.records and general.records == records
    assert list(records) == list(general.records)
    if len(records):
        assert records[-1] == general.records[-1]
        assert records[1:3] == general.records[1:3]
    digest = hashlib.sha256()
    for batch in records.canonical_batches(rows=7):
        digest.update(batch.lines)
    sha256, count, debit, credit = records.canonical_digest()
    assert sha256 == digest.hexdigest() == records_sha256(general.records)
    assert count == len(general.records)
    assert str(debit) == str(sum((r.debit for r in general.records), start=type(debit)(0)))
    assert str(credit) == str(sum((r.credit for r in general.records), start=type(credit)(0)))


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_fixtures_normalize_the_same_both_ways(path: Path) -> None:
    _assert_same(*_both(path.read_bytes(), fiscal_year=2025, ledger_file_id=3))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("gl") / "gl_20k.csv"
    write_csv(path, 20_000)
    return path.read_bytes()


def test_generated_slice_takes_the_columnar_path_and_matches(generated: bytes) -> None:
    general, fast = _both(generated, fiscal_year=2025, ledger_file_id=11)
    assert isinstance(fast, NormalizeResult) and isinstance(fast.records, ColumnRecords)
    _assert_same(general, fast)


def test_other_fiscal_year_gives_the_same_warnings(generated: bytes) -> None:
    general, fast = _both(generated[:200_000].rsplit(b"\n", 1)[0] + b"\n", fiscal_year=2024)
    assert isinstance(fast, NormalizeResult) and isinstance(fast.records, ColumnRecords)
    _assert_same(general, fast)


def test_copy_csv_rows_hold_the_canonical_values(generated: bytes) -> None:
    fast = normalize(generated[:20_000].rsplit(b"\n", 1)[0] + b"\n", fast_path=True, ledger_file_id=5)
    assert isinstance(fast.records, ColumnRecords)
    from ledgerstore.hot.copy import copy_csv_batches  # storage's COPY encoding of these columns

    text = b"".join(copy_csv_batches(fast.records, rows=10)).decode()
    rows = list(csv.reader(io.StringIO(text)))
    first = fast.records[0]
    assert rows[0][:3] == ["5", str(first.row_number), first.posted_on.isoformat() if first.posted_on else ""]
    assert rows[0][8:10] == [format(first.debit, "f"), format(first.credit, "f")]
    assert len(rows) == len(fast.records)


def test_declines_what_it_cannot_prove(generated: bytes) -> None:
    head = generated[:50_000].rsplit(b"\n", 1)[0] + b"\n"
    lines = head.split(b"\r\n")
    broken = {
        "amount with a currency": lines[5].replace(b'"', b"", 0) + b"",
        "repeated header": lines[0],
        "total row": b'Total,,,,,,"1,000.00",,,',
        "blank line": b"",
    }
    for name, line in broken.items():
        data = b"\r\n".join([*lines[:40], line, *lines[40:]])
        general, fast = _both(data, fiscal_year=2025)
        _assert_same(general, fast)
        if name != "amount with a currency":
            assert isinstance(fast, NormalizeResult) and not isinstance(fast.records, ColumnRecords), name


_TEXT = st.text(alphabet=st.sampled_from(list('ab ,"\t\u00a0\u2028é\\\x1fZ1')), max_size=8)
_AMOUNT = st.one_of(
    st.just(""),
    st.integers(-(10**7), 10**9).map(lambda c: f"{c / 100:,.2f}" if abs(c) < 10**8 else f"{c}.{c % 7:03d}"),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.dates(), _TEXT, st.sampled_from(["1000", "2000", " 3000 "]), _TEXT, _AMOUNT, _AMOUNT, _TEXT
        ),
        min_size=1,
        max_size=30,
    )
)
def test_property_random_ledgers_normalize_the_same_both_ways(
    rows: list[tuple[object, str, str, str, str, str, str]],
) -> None:
    def quote(text: str) -> str:
        return '"' + text.replace('"', '""') + '"'

    out = ["Date,Journal,Account,Description,Debit,Credit,Memo Extra"]
    for date, journal, account, text, debit, credit, extra in rows:
        out.append(
            ",".join(
                [
                    f"{date:%m/%d/%Y}",
                    quote("J" + journal),
                    account,
                    quote(text),
                    quote(debit),
                    quote(credit),
                    quote(extra),
                ]
            )
        )
    _assert_same(*_both(("\r\n".join(out) + "\r\n").encode(), fiscal_year=2024))


def test_trimmed_whitespace_is_what_str_strip_strips() -> None:
    from normalizer.fast.common import WHITESPACE as _WHITESPACE

    assert "".join(chr(c) for c in range(0x110000) if chr(c).isspace()) == _WHITESPACE


@pytest.mark.parametrize(
    "body",
    [
        # whole-number amounts: no decimal mark to decide (issue 13: the columnar path took none)
        "Date,Account,Description,Debit,Credit\n"
        + "".join(
            f"2025-01-{d:02d},1000,a,{d * 7},\n2025-01-{d:02d},2000,b,,{d * 7}\n" for d in range(1, 29)
        ),
        # a credit column blank on every row
        "Date,Account,Description,Debit,Credit\n"
        + "".join(f"2025-01-{d:02d},1000,a,{d}.25,\n" for d in range(1, 29)),
    ],
    ids=["whole-numbers", "blank-credit-column"],
)
def test_columnar_path_takes_whole_numbers_and_a_blank_amount_column(body: str) -> None:
    general, fast = _both(body.encode())
    assert not isinstance(fast, str)
    assert isinstance(fast.records, ColumnRecords), "the columnar path declined"
    _assert_same(general, fast)

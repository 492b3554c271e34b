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

from bench.generate import Layout, write_csv
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


def _with_line(generated: bytes, line: bytes, at: int = 40) -> bytes:
    lines = (generated[:50_000].rsplit(b"\n", 1)[0] + b"\n").split(b"\r\n")
    return b"\r\n".join([*lines[:at], line, *lines[at:]])


def test_declines_what_it_cannot_prove(generated: bytes) -> None:
    broken = {
        "amount with a currency": b'01/05/2025,JE9,1000,Cash,x,R,"$1,000.00",,Ops,V',
        "group row": b"Account: 1000 - Cash,,,,,,,,,",
        "note row": b",,,,a note under the line above,,,,,",
        "figure outside the amount columns": b'Total,,,,50 lines,,"1,000.00",,,',
        "line without an amount": b"01/05/2025,JE9,1000,Cash,x,R,,,Ops,V",
    }
    for name, line in broken.items():
        general, fast = _both(_with_line(generated, line), fiscal_year=2025)
        _assert_same(general, fast)
        assert isinstance(fast, NormalizeResult) and not isinstance(fast.records, ColumnRecords), name


@pytest.mark.parametrize(
    "line",
    [
        b"Date,Journal ID,Account Number,Account Name,Description,Reference,Debit,Credit,Department,Vendor",
        b" DATE , journal id,,account name,,,DEBIT,credit,,",  # enough cells fold to their header
        b'Total,,,,,,"1,000.00",,,',  # disagrees with the rows it totals
        b"Subtotal,,,,,,,,,",  # a total with no figures
        b",,,,,,,,,",  # a blank row: no boundary
        b'TOTAL,,,,,,"-3.5",(2.00),,',  # figures the general parser reads its own way
    ],
    ids=["repeated-header", "header-like", "total-mismatch", "label-only", "blank-row", "odd-figures"],
)
def test_report_rows_take_the_columnar_path_and_match(generated: bytes, line: bytes) -> None:
    """Repeated headers, total rows and blank rows are proven over columns (`fast.kinds`)."""
    for at in (1, 40, 41):
        general, fast = _both(_with_line(generated, line, at), fiscal_year=2025, ledger_file_id=4)
        assert isinstance(fast, NormalizeResult) and isinstance(fast.records, ColumnRecords)
        _assert_same(general, fast)


@pytest.mark.parametrize(
    "layout",
    [
        Layout(totals_every=50, page_header_every=500),
        Layout(totals_every=7, page_header_every=60, year=2024),
        Layout(continuation=True),
        Layout(continuation=True, totals_every=5, page_header_every=33),
    ],
    ids=["totals-and-headers", "dense-other-year", "continuation", "continuation-split-by-totals"],
)
def test_generated_report_files_match_both_ways(tmp_path: Path, layout: Layout) -> None:
    path = tmp_path / "report.csv"
    write_csv(path, 6_000, layout=layout)
    general, fast = _both(path.read_bytes(), fiscal_year=2025, ledger_file_id=8)
    assert isinstance(fast, NormalizeResult) and isinstance(fast.records, ColumnRecords)
    _assert_same(general, fast)
    assert isinstance(general, NormalizeResult)
    if layout.totals_every:
        assert general.checks[0].name == "total_rows"
    if layout.continuation:
        assert general.detected["inherit"].value


def test_total_figures_sum_like_the_general_path() -> None:
    """Decimal exponents of the sums: zeros and whole numbers among the lines totalled."""
    body = (
        "Date,Journal,Account,Debit,Credit\n"
        "2025-01-01,J1,1000,5,\n"
        "2025-01-01,J1,2000,,5.000\n"
        "2025-01-02,J2,1000,0.00,\n"
        "2025-01-02,J2,2000,1.5,1.5\n"
        "Total,,,6.50,6.5\n"
        "Total,,,0,0\n"  # totals nothing: the rows since the previous total
        "2025-01-03,J3,1000,-2.25,\n"
        "2025-01-03,J3,2000,,-2.25\n"
        "Sum,,,2.25,2.25\n"
    ) + "".join(f"2025-02-{d:02d},K{d},1000,{d}.10,{d}.10\n" for d in range(1, 28))
    general, fast = _both(body.encode(), fiscal_year=2025)
    assert isinstance(fast, NormalizeResult) and isinstance(fast.records, ColumnRecords)
    _assert_same(general, fast)


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


_FILLED_AMOUNT = _AMOUNT.filter(bool)
_REPORT_ROW = st.one_of(
    st.just("Date,Journal,Account,Description,Debit,Credit,Memo Extra"),  # the header again
    st.just(",,,,,,"),
    st.tuples(st.sampled_from(["Total", "Subtotal", "Summe", "total:", "Totals"]), _AMOUNT, _AMOUNT).map(
        lambda t: f'{t[0]},,,,"{t[1]}","{t[2]}",'
    ),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            st.tuples(st.dates(), st.sampled_from(["J1", "J2", ""]), _TEXT, _FILLED_AMOUNT, _AMOUNT).map(
                lambda t: f'{t[0]:%m/%d/%Y},{t[1]},1000,"{t[2].replace(chr(34), "")}","{t[3]}","{t[4]}",x'
            ),
            _REPORT_ROW,
        ),
        min_size=1,
        max_size=40,
    )
)
def test_property_report_rows_normalize_the_same_both_ways(lines: list[str]) -> None:
    """Ledger lines (some continuation lines) among repeated headers, total rows, blank rows."""
    first = "01/02/2025,J0,1000,opening,1.00,,x"
    body = "\r\n".join(["Date,Journal,Account,Description,Debit,Credit,Memo Extra", first, *lines]) + "\r\n"
    _assert_same(*_both(body.encode(), fiscal_year=2024))

"""The columnar path for large xlsx workbooks of an ordinary shape.

`normalize_workbook` gives exactly the `NormalizeResult` the general path gives, or None when
the workbook is not one it is sure about; then the caller takes the general path (which also
reports whatever made the package unreadable). It reads the package as the general reader does
(the same package checks and limits, the same calamine parse of the one worksheet), then works
on whole columns of the parser's values instead of building a `Row` per line. It is sure when:

- the package holds one worksheet, whose used range starts in column A;
- the general code, run on the sheet's first rows (converted by the general reader's
  `convert_row`), finds a header and a column map with one column per field, a debit/credit or
  signed amount model, and no row-index column; every cell of those first rows has the same
  text here as there;
- over whole columns, once rows whose every cell is blank are dropped (the general path skips
  them without a trace): every row has an amount; amount cells are numbers or blank (so no row
  is an error, and a number is the exact Decimal of its shortest repr, as `convert_row` makes
  it); no row is a repeated header or a total; the first cell and the block anchor (journal,
  else date) are never blank; every date parses; no cell holds a boolean or a NUL.

A cell's text is `cell_text` of the reader's cell value, computed once per distinct value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from normalizer.errors import DamagedWorkbookError, NormalizerError
from normalizer.fast.common import (
    WHITESPACE,
    NotSure,
    column_amounts,
    finish,
    require,
    require_no_headers,
    require_no_totals,
    require_simple,
)
from normalizer.mapping import ColumnMap, build_column_map, normalize_header
from normalizer.readers.cells import convert_row
from normalizer.readers.child import ParserFailure, run_bounded
from normalizer.readers.limits import Limits, check_bytes
from normalizer.readers.model import Row
from normalizer.readers.parse import parse_zip
from normalizer.readers.reader import _collector_paused
from normalizer.result import Detected, NormalizeResult
from normalizer.roles.content import SAMPLE_ROWS
from normalizer.roles.explain import describe_roles
from normalizer.structure.cells import cell_text
from normalizer.structure.classify import index_columns
from normalizer.structure.table import Table, build_table
from normalizer.values.amounts import infer_decimal_mark
from normalizer.values.dates import infer_date_order, parse_date

#: Rows given to the general header and column decisions (the header is looked for in the
#: first 60; index columns in the first 200 below it).
_HEAD_ROWS = 1_000
_AMOUNT_FIELDS = ("debit", "credit", "amount")

__all__ = ["normalize_workbook"]


def normalize_workbook(
    data: bytes,
    *,
    name: str | None,
    profile_detected: Detected,
    fiscal_year: int | None,
    ledger_file_id: int | None,
    limits: Limits | None = None,
) -> NormalizeResult | None:
    """The result the general path would give for the xlsx `data` (no profile, no overrides), or None.

    It all runs in the bounded reader child (`normalizer.readers.child`): the parse, and the
    columnar work, whose result (Arrow columns) pickles in milliseconds where the parser's
    million Python values would take a second each way.
    """
    limits = limits or Limits()
    try:
        return run_bounded(
            _in_child, data, profile_detected, fiscal_year, ledger_file_id, limits, limits=limits
        )
    except DamagedWorkbookError as exc:
        # The general path's reader would die the same way: do not parse twice.
        raise DamagedWorkbookError(exc.message, source=exc.source or name) from exc
    except ParserFailure:
        return None


def _in_child(
    data: bytes,
    profile_detected: Detected,
    fiscal_year: int | None,
    ledger_file_id: int | None,
    limits: Limits,
) -> NormalizeResult | None:
    try:
        with _collector_paused():
            return _normalize(data, profile_detected, fiscal_year, ledger_file_id, limits)
    except (NotSure, NormalizerError, pa.ArrowException):
        return None


def _normalize(
    data: bytes,
    profile_detected: Detected,
    fiscal_year: int | None,
    ledger_file_id: int | None,
    limits: Limits,
) -> NormalizeResult:
    check_bytes(len(data), limits)
    sheet_name, first_row, values = _sheet_values(data, limits)
    width = len(values[0])
    require(all(len(row) == width for row in values))
    head = [
        Row(number=first_row + i + 1, cells=convert_row(row)) for i, row in enumerate(values[:_HEAD_ROWS])
    ]
    table = build_table(head, None, {})
    columns = build_column_map(table.headers, None, sample=table.rows[:SAMPLE_ROWS])
    require(len(table.headers) == width)
    require_simple(columns)
    require(not columns.issues)  # file-level findings: the general path reports them
    require(not index_columns(table.headers, table.rows))
    amount_cols = [c for n in _AMOUNT_FIELDS for c in columns.columns(n)]
    # Amount cells' texts below are exact numbers, not `cell_text`: a header key with digits
    # could fold to one, which the header check only sees through `cell_text`.
    require(not any(ch.isdigit() for c in amount_cols for ch in normalize_header(table.headers[c])))

    start = len(table.preamble) + 1
    body = list(zip(*values[start:], strict=True))  # one tuple of values per column
    require(bool(body) and bool(body[0]))
    cells = [
        _amount_text(column) if i in amount_cols else _column_text(column) for i, column in enumerate(body)
    ]
    _require_same_start(cells, table, set(amount_cols))
    numbers = pa.array(range(first_row + start + 1, first_row + start + 1 + len(body[0])), pa.int64())
    kept = _not_blank(cells)
    if kept is not None:
        cells = [pc.filter(column, kept) for column in cells]
        numbers = pc.filter(numbers, kept)
        require(len(numbers) > 0)
    posted = columns.columns("posted_on")
    dates = _dates(body[posted[0]], kept, fiscal_year) if posted else None

    detected: dict[str, Detected] = {"profile": profile_detected, "container": Detected(value="xlsx")}
    detected["sheet"] = Detected(value=sheet_name, confidence=1.0, source="detected")
    detected["header_row"] = table.header_row
    detected.update(describe_roles(columns))
    return _build(cells, table, columns, detected, numbers, dates, fiscal_year, ledger_file_id)


def _sheet_values(data: bytes, limits: Limits) -> tuple[str, int, list[list[Any]]]:
    """(name, 0-based first row, the used range's rows of parser values) of the only worksheet,
    parsed with the package checks (this runs in the bounded reader child)."""
    kind, sheets = parse_zip(data, None, limits)
    require(kind == "xlsx" and len(sheets) == 1)
    name, first_row, first_column, values = sheets[0]
    require(first_column == 0 and bool(values) and bool(values[0]))
    return name, first_row, values


def _column_text(column: Sequence[Any]) -> pa.Array:
    """`cell_text` of each cell the reader would make of these parser values."""
    kinds = set(map(type, column))
    require(bool not in kinds)
    if kinds == {str}:
        texts = pa.array(column, pa.string())
    else:
        # Equal values give equal texts (1.0 and 1 both read "1"; no bool, which equals 1), and
        # a string never equals a number or a date: one text per distinct value is enough.
        known = {
            value: value if type(value) is str else cell_text(convert_row([value])[0])
            for value in dict.fromkeys(column)
        }
        texts = pa.array(list(map(known.__getitem__, column)), pa.string())
    require(not pc.any(pc.match_substring(texts, "\x00")).as_py())
    return pc.utf8_trim(texts, characters=WHITESPACE)


def _amount_text(column: Sequence[Any]) -> pa.Array:
    """Exact decimal text of each number cell ("" for a blank one): the shortest repr of a
    float is the text `convert_row` makes its Decimal from; any other cell declines."""
    kinds = set(map(type, column))
    require(kinds <= {str, float, int})
    if str in kinds:
        require(all(not value.strip() for value in column if type(value) is str))
    texts = pa.array(["" if type(value) is str else repr(value) for value in column], pa.string())
    # exponents, infinities and NaN ("1e+16", "inf", "nan") are not plain digits
    require(not pc.any(pc.match_substring_regex(texts, "[^0-9.-]")).as_py())
    return texts


def _require_same_start(cells: list[pa.Array], table: Table, amount_cols: set[int]) -> None:
    """The texts here are the general path's for every cell of the first rows."""
    from decimal import Decimal

    sample = list(table.rows)
    for i, column in enumerate(cells):
        ours = column.slice(0, len(sample)).to_pylist()
        theirs = [row.cells[i] for row in sample]
        if i in amount_cols:
            require(
                [Decimal(t) if t else "" for t in ours]
                == [c if not isinstance(c, str) else "" for c in theirs]
            )
        else:
            require(ours == [cell_text(c) for c in theirs])


def _not_blank(cells: list[pa.Array]) -> pa.Array | None:
    """Rows with some text (None when every row has some): all-blank rows make no record."""
    blank = pc.equal(cells[0], "")
    for column in cells[1:]:
        blank = pc.and_(blank, pc.equal(column, ""))
    if not pc.any(blank).as_py():
        return None
    return pc.invert(blank)


def _dates(
    column: Sequence[Any], kept: pa.Array | None, fiscal_year: int | None
) -> tuple[pa.Array, Detected]:
    """The date column parsed as `LineBuilder` does, and the date order decided on its texts."""
    distinct = list(dict.fromkeys(column))
    order = infer_date_order([v for v in distinct if type(v) is str and v.strip()])
    require(all(type(v) is not bool for v in distinct))
    parsed: dict[Any, Any] = {}
    for value in distinct:
        if type(value) is str and not value.strip():
            parsed[value] = None
            continue
        cell = value if type(value) is str else convert_row([value])[0]
        result = parse_date(cell, order=order.value, default_year=fiscal_year)
        require(result.error is None and result.value is not None)
        parsed[value] = result.value
    days = pa.array([parsed[v] for v in column], pa.date32())
    return (days if kept is None else pc.filter(days, kept)), order


def _build(  # noqa: PLR0917
    cells: list[pa.Array],
    table: Table,
    columns: ColumnMap,
    detected: dict[str, Detected],
    numbers: pa.Array,
    dates: tuple[pa.Array, Detected] | None,
    fiscal_year: int | None,
    ledger_file_id: int | None,
) -> NormalizeResult:
    count = len(cells[0])
    amount_cols = [c for n in _AMOUNT_FIELDS for c in columns.columns(n)]
    filled = [pc.not_equal(cells[c], "") for c in amount_cols]
    any_amount = filled[0] if len(filled) == 1 else pc.or_(filled[0], filled[1])
    require(bool(pc.all(any_amount).as_py()))
    # Number cells say nothing about a decimal mark: what `infer_decimal_mark` gives for them.
    detected["decimal_mark"] = infer_decimal_mark([])
    require(not pc.any(pc.equal(cells[0], "")).as_py())
    require_no_headers(cells, table.headers, set(amount_cols))
    require_no_totals(cells[0], 0 in amount_cols)
    if dates is None:
        posted_on, detected["date_order"] = pa.nulls(count, pa.date32()), infer_date_order([])
    else:
        posted_on, detected["date_order"] = dates
    if fiscal_year is not None:
        detected["year"] = Detected(value=fiscal_year, confidence=1.0, source="override")
    anchor = (columns.columns("journal") or columns.columns("posted_on"))[:1]
    require(not anchor or not pc.any(pc.equal(cells[anchor[0]], "")).as_py())
    detected["inherit"] = Detected(value=[], confidence=1.0, source="detected")
    debit, credit = column_amounts(cells, columns, ".")
    return finish(
        cells,
        columns,
        detected,
        row_numbers=numbers,
        posted_on=posted_on,
        amounts=(debit, credit),
        fiscal_year=fiscal_year,
        ledger_file_id=ledger_file_id,
    )

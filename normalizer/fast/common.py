"""What the two columnar paths (delimited text, xlsx workbooks) share: the proofs they require
of a file (`require_*`), exact integer amount columns, and `finish`, which builds the result from
proven columns. Public so that neither path reaches into the other's private names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from normalizer.checks import columnar_record_checks, undecided_notes
from normalizer.fast.arrow import EMPTY, array, integer, scalar
from normalizer.fast.records import Amounts, ColumnRecords
from normalizer.issue_columns import ordered_issues
from normalizer.mapping import ColumnMap, normalize_header
from normalizer.result import CheckResult, Detected, Issue, NormalizeResult
from normalizer.structure.assemble import currency_code
from normalizer.structure.classify import DEFAULT_TOTAL_LABEL, TOTAL_LABEL_START
from normalizer.version import NORMALIZER_VERSION

MAX_DIGITS = 18  # int64 holds 18 decimal digits with room for the sign
#: Python's str.strip() whitespace (every character whose `isspace()` is true), so Arrow trims
#: exactly what `cell_text` strips. Spelled out: scanning all code points costs 0.3 s per import
#: (a test checks the list).
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
TEXT_FIELDS = ("account", "account_name", "description", "reference", "journal")
DISTINCT_LIMIT = 50_000
TOTAL_LABEL = re.compile(DEFAULT_TOTAL_LABEL)
TOTAL_START = TOTAL_LABEL_START  # a cheap prefilter, derived from the same word list
_ZERO = integer(0)
_ZERO_TEXT = scalar("0", pa.string())


class NotSure(Exception):
    """The file is outside what the columnar path handles; take the general path."""


def require(condition: bool) -> None:
    if not condition:
        raise NotSure


def require_simple(columns: ColumnMap) -> None:
    require(all(len(cols) == 1 for cols in columns.fields.values()))
    if columns.model == "debit_credit":
        require(not columns.columns("amount"))
    else:
        require(columns.model == "signed")


def require_no_headers(cells: list[pa.Array], headers: Sequence[str], amount_cols: set[int]) -> None:
    """No row repeats the header (the `Classifier` rule: enough cells equal their header, folded).

    A column can only match where a value folds to its header: amount columns never (they are
    plain numbers, header keys hold letters), other columns where one of their distinct values
    does. A row needs `wanted` matching columns; columns proven never to match bound what any
    row can reach, and columns with too many distinct values to check count as matching.
    """
    keys = [normalize_header(h) for h in headers]
    named = [i for i, k in enumerate(keys) if k]
    wanted = max(2, (len(named) + 1) // 2)
    candidates = [i for i in named if not (i in amount_cols and not any(ch.isdigit() for ch in keys[i]))]
    # Columns with few distinct values first: they are cheap to check and usually settle it.
    candidates.sort(key=lambda i: len(set(cells[i].slice(0, 2000).to_pylist())))
    masks: list[pa.Array] = []
    unchecked = 0
    for position, i in enumerate(candidates):
        if unchecked + len(masks) + len(candidates) - position < wanted:
            return  # even if every remaining column matched, no row could reach `wanted`
        mask = _folds_to(cells[i], keys[i])
        if mask is None:
            unchecked += 1
        elif mask is not False:
            masks.append(mask)
    if unchecked + len(masks) < wanted:
        return
    require(unchecked == 0 and not _rows_reach(masks, wanted))


def _folds_to(column: pa.Array, key: str) -> pa.Array | bool | None:
    """Where `normalize_header(value) == key`: False if nowhere, a mask, None if too many values."""
    encoded = pc.dictionary_encode(column)
    if len(encoded.dictionary) > DISTINCT_LIMIT:
        return None
    distinct = encoded.dictionary.to_pylist()
    hits = [i for i, value in enumerate(distinct) if normalize_header(value) == key]
    if not hits:
        return False
    return pc.is_in(encoded.indices, value_set=array(hits, encoded.indices.type))


def _rows_reach(masks: list[pa.Array], wanted: int) -> bool:
    if len(masks) < wanted:
        return False
    counts = pc.cast(masks[0], pa.int32())
    for mask in masks[1:]:
        counts = pc.add(counts, pc.cast(mask, pa.int32()))
    return bool(pc.any(pc.greater_equal(counts, integer(wanted))).as_py())


def require_no_totals(first: pa.Array, is_amount: bool) -> None:
    """No row is a total: its first cell (never blank here) does not read as a total label."""
    if is_amount:
        return
    candidates = pc.filter(first, pc.match_substring_regex(first, TOTAL_START))
    if len(candidates) == 0:
        return
    distinct = pc.unique(candidates).to_pylist()
    require(not any(TOTAL_LABEL.search(value) for value in distinct))


def _column_units(column: pa.Array, mark: str) -> tuple[pa.Array, int]:
    """Integer units of a column of plain numbers ("" -> 0) and the scale they are at."""
    units, scale, _ = amount_units(column, mark)
    return units, scale


def amount_units(column: pa.Array, mark: str) -> tuple[pa.Array, int, pa.Array]:
    """`_units`, and each value's own count of decimals as written (its Decimal's -exponent)."""
    if mark == ".":
        text = pc.replace_substring(column, ",", "")
    else:
        text = pc.replace_substring(pc.replace_substring(column, ".", ""), ",", ".")
    point = pc.find_substring(text, ".")
    length = pc.utf8_length(text)
    scales = pc.if_else(pc.less(point, _ZERO), _ZERO, pc.subtract(pc.subtract(length, point), integer(1)))
    scale = int(pc.max(scales).as_py() or 0)
    digits = pc.replace_substring(text, ".", "")
    widest = pc.max(pc.add(pc.utf8_length(digits), pc.subtract(integer(scale), scales))).as_py() or 0
    require(widest <= MAX_DIGITS)
    digits = pc.if_else(pc.equal(digits, EMPTY), _ZERO_TEXT, digits)
    units = pc.cast(digits, pa.int64())
    factor = pc.power(integer(10), pc.cast(pc.subtract(integer(scale), scales), pa.int64()))
    return pc.multiply_checked(units, factor), scale, scales


#: Each amount column's `amount_units`, by column index, when a caller has them already.
ColumnUnits = dict[int, tuple[pa.Array, int, pa.Array]]


def column_amounts(
    cells: list[pa.Array], columns: ColumnMap, mark: str, known: ColumnUnits | None = None
) -> tuple[Amounts, Amounts]:
    """Debit and credit, never negative: a negative debit is a credit and vice versa.

    `known` holds the `amount_units` of amount columns computed already (by index)."""

    def units_of(field: str) -> tuple[pa.Array, int]:
        index = columns.columns(field)[0]
        if known and index in known:
            return known[index][0], known[index][1]
        return _column_units(cells[index], mark)

    count = len(cells[0])
    if columns.model == "signed":
        signed, scale = units_of("amount")
        debit = pc.if_else(pc.greater_equal(signed, _ZERO), signed, _ZERO)
        credit = pc.if_else(pc.less(signed, _ZERO), pc.negate(signed), _ZERO)
        return Amounts(units=debit, scale=scale), Amounts(units=credit, scale=scale)
    parsed = {n: units_of(n) for n in ("debit", "credit") if columns.columns(n)}
    scale = max(s for _, s in parsed.values())
    for name, (units, column_scale) in parsed.items():
        if column_scale != scale:
            parsed[name] = (pc.multiply_checked(units, integer(10 ** (scale - column_scale))), scale)
    require(all(_fits(units) for units, _ in parsed.values()))
    d_raw = parsed["debit"][0] if "debit" in parsed else _as_array(_ZERO, count)
    c_raw = parsed["credit"][0] if "credit" in parsed else _as_array(_ZERO, count)
    d = pc.add_checked(_positive(d_raw), _positive(pc.negate(c_raw)))
    c = pc.add_checked(_positive(c_raw), _positive(pc.negate(d_raw)))
    return Amounts(units=d, scale=scale), Amounts(units=c, scale=scale)


def _positive(values: pa.Array) -> pa.Array:
    return pc.if_else(pc.greater(values, _ZERO), values, _ZERO)


def _fits(units: pa.Array) -> bool:
    """Values small enough that a debit plus a credit cannot overflow int64."""
    limit = 10**MAX_DIGITS
    return bool(pc.all(pc.less(pc.abs(units), integer(limit))).as_py())


def _as_array(value: Any, count: int) -> pa.Array:
    if isinstance(value, pa.Scalar):
        return pa.repeat(value, count)
    return value


def _currency(cells: list[pa.Array], columns: ColumnMap, count: int) -> pa.Array:
    found = columns.columns("currency")
    if not found:
        return pa.repeat(EMPTY, count)
    encoded = pc.dictionary_encode(cells[found[0]])
    distinct = encoded.dictionary.to_pylist()
    require(len(distinct) <= DISTINCT_LIMIT)
    codes = array([currency_code(v) for v in distinct], pa.string())
    return pc.take(codes, encoded.indices)


def finish(
    cells: list[pa.Array],
    columns: ColumnMap,
    detected: dict[str, Detected],
    *,
    row_numbers: pa.Array,
    posted_on: pa.Array,
    amounts: tuple[Amounts, Amounts],
    fiscal_year: int | None,
    ledger_file_id: int | None,
    leading: tuple[Sequence[CheckResult], Sequence[Issue]] = ((), ()),
) -> NormalizeResult:
    """The result from proven columns: `cells` are the trimmed texts of every column.

    `leading` holds the checks (and their issues) that come before the record checks: the
    total rows' check, which the general path runs first.
    """
    count = len(cells[0])
    debit, credit = amounts
    empty = pa.repeat(EMPTY, count) if any(not columns.columns(n) for n in TEXT_FIELDS) else None
    fields: dict[str, Any] = {"row_number": row_numbers, "posted_on": posted_on}
    for field in TEXT_FIELDS:
        fields[field] = cells[columns.columns(field)[0]] if columns.columns(field) else empty
    fields["currency"] = _currency(cells, columns, count)
    for index in columns.attributes:
        fields[columns.names[index]] = cells[index]
    records = ColumnRecords(
        ledger_file_id=ledger_file_id, columns=pa.table(fields), debit=debit, credit=credit
    )
    checks, more = columnar_record_checks(records, fiscal_year)
    checks[:0] = leading[0]
    return NormalizeResult(
        records=records,
        issues=ordered_issues([*undecided_notes(detected, columns), *leading[1], *more]),
        detected=detected,
        checks=tuple(checks),
        normalizer_version=NORMALIZER_VERSION,
    )

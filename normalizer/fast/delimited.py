"""The columnar path for large delimited files of an ordinary shape.

`normalize_columnar` gives exactly the `NormalizeResult` the general path gives, or None when
the file is not one it is sure about; then the caller takes the general path. It is sure when:

- the general reader, run on the first half megabyte, finds UTF-8 delimited text whose header
  and column map (built by the general code) give one column per field and a debit/credit or
  signed amount model, with every record on one physical line;
- Arrow's CSV reader parses the whole file into exactly one row per remaining line, each as
  wide as the header, and agrees cell for cell with the `csv` module on that first part;
- over whole columns: every row has an amount; every amount is a plain number in the decided
  decimal mark (so no row is an error and nothing can round: amounts are integers at the
  column's largest scale); no row is a repeated header or a total; the block anchor (journal,
  else date) is never blank (so no continuation rows); every date parses.

Decisions that look at a whole column (decimal mark, date order) are taken by the general
functions on the column's distinct values, which gives the same answer as on every value.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from normalizer.errors import NormalizerError
from normalizer.fast.checks import record_checks
from normalizer.fast.records import Amounts, ColumnRecords
from normalizer.mapping import ColumnMap, build_column_map, normalize_header
from normalizer.readers.limits import Limits
from normalizer.result import Detected, Issue, NormalizeResult
from normalizer.structure.assemble import currency_code
from normalizer.structure.cells import cell_text
from normalizer.structure.classify import DEFAULT_TOTAL_LABEL
from normalizer.structure.table import Table, build_table
from normalizer.values.amounts import infer_decimal_mark
from normalizer.values.dates import infer_date_order, parse_date
from normalizer.version import NORMALIZER_VERSION

_PREFIX_BYTES = 512 << 10
_MAX_DIGITS = 18  # int64 holds 18 decimal digits with room for the sign
#: Python's str.strip() whitespace (every character whose `isspace()` is true), so Arrow trims
#: exactly what `cell_text` strips. Spelled out: scanning all code points costs 0.3 s per import
#: (a test checks the list).
_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_AMOUNT_PATTERN = {
    ".": r"^-?(?:[0-9]+|[1-9][0-9]{0,2}(?:,[0-9]{3})+)(?:\.[0-9]+)?$",
    ",": r"^-?(?:[0-9]+|[1-9][0-9]{0,2}(?:\.[0-9]{3})+)(?:,[0-9]+)?$",
}
_TEXT_FIELDS = ("account", "account_name", "description", "reference", "journal")
_DISTINCT_LIMIT = 50_000
_TOTAL_LABEL = re.compile(DEFAULT_TOTAL_LABEL)
# A total label starts with one of these letters (any case, `ſ` folds to s) after stripping.
_TOTAL_START = r"^(?:[gGsStTzZ]|[^\x00-\x7f])"


class _NotSure(Exception):
    """The file is outside what the columnar path handles; take the general path."""


def normalize_columnar(
    data: bytes,
    *,
    name: str | None,
    profile_detected: Detected,
    fiscal_year: int | None,
    ledger_file_id: int | None,
) -> NormalizeResult | None:
    """The result the general path would give for `data` (no profile, no overrides), or None."""
    try:
        return _normalize(data, name, profile_detected, fiscal_year, ledger_file_id)
    except (_NotSure, NormalizerError, pa.ArrowException):
        return None


def _prefix(data: bytes) -> bytes:
    if len(data) <= _PREFIX_BYTES:
        return data
    cut = data.find(b"\n", _PREFIX_BYTES)
    return data if cut < 0 else data[: cut + 1]


def _require(condition: bool) -> None:
    if not condition:
        raise _NotSure


def _normalize(
    data: bytes,
    name: str | None,
    profile_detected: Detected,
    fiscal_year: int | None,
    ledger_file_id: int | None,
) -> NormalizeResult:
    from normalizer.readers import read_workbook

    head = read_workbook(_prefix(data), name=name)
    _require(head.container == "delimited" and len(head.sheets) == 1)
    _require(
        head.detected["encoding"].value in ("utf-8", "utf-8-sig")
        and "nul_characters" not in head.detected
        and "replaced_sequences" not in head.detected  # the general path reports each one
    )
    _require(b"\x00" not in data and not data.endswith(b"\x1a"))
    rows = head.sheets[0].rows
    _require(all(row.number == i + 1 for i, row in enumerate(rows)))
    table = build_table(rows, None, {})
    columns = build_column_map(table.headers, None)
    width = len(table.headers)
    _require(all(len(row.cells) == width for row in table.rows))
    _require_simple(columns)
    header_lines = len(table.preamble) + 1
    frame = _read_arrow(data, head.detected["delimiter"].value, width, header_lines)
    _require(frame.num_rows + header_lines == _line_count(data))
    _require(frame.num_rows + header_lines <= 5_000_000 and width <= 1_000)
    raw = [frame.column(i).combine_chunks() for i in range(width)]
    _require(_max_line_chars(raw) <= Limits().max_line_chars and len(data) <= Limits().max_bytes)
    cells = [pc.utf8_trim(column, characters=_WHITESPACE) for column in raw]
    _require(not pc.any(pc.equal(cells[0], "")).as_py())
    _require_same_start(cells, table)

    detected: dict[str, Detected] = {"profile": profile_detected, **head.detected}
    detected["sheet"] = Detected(value=None, confidence=1.0, source="detected")
    detected["header_row"] = table.header_row
    detected["columns"] = Detected(value=columns.describe(), confidence=1.0, source=columns.source)
    detected["amount_model"] = Detected(value=columns.model, confidence=1.0, source=columns.source)
    return _build(cells, table, columns, detected, fiscal_year, ledger_file_id)


def _require_simple(columns: ColumnMap) -> None:
    _require(all(len(cols) == 1 for cols in columns.fields.values()))
    if columns.model == "debit_credit":
        _require(not columns.columns("amount"))
    else:
        _require(columns.model == "signed")


def _read_arrow(data: bytes, delimiter: str, width: int, skip: int) -> pa.Table:
    names = [f"c{i}" for i in range(width)]
    return pacsv.read_csv(
        pa.py_buffer(data),
        read_options=pacsv.ReadOptions(skip_rows=skip, column_names=names, block_size=16 << 20),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter, quote_char='"', double_quote=True, escape_char=False,
            newlines_in_values=True, ignore_empty_lines=False,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False,
            quoted_strings_can_be_null=False, null_values=[], check_utf8=True,
        ),
    )  # fmt: skip


def _line_count(data: bytes) -> int:
    """Physical lines as the general reader counts them (CR LF, LF or a lone CR end a line)."""
    lf, cr = data.count(b"\n"), data.count(b"\r")
    crlf = data.count(b"\r\n") if cr else 0
    return lf + cr - crlf + (0 if data.endswith((b"\n", b"\r")) else 1)


def _max_line_chars(cells: list[pa.Array]) -> int:
    """An upper bound of the longest line's length: quoting at most doubles a cell, plus 3."""
    return sum(2 * int(pc.max(pc.binary_length(c)).as_py() or 0) + 3 for c in cells)


def _require_same_start(cells: list[pa.Array], table: Table) -> None:
    """Arrow and the general reader agree on every cell of the first part of the file."""
    sample = list(table.rows)
    _require(bool(sample) and len(cells[0]) >= len(sample))
    for i, column in enumerate(cells):
        ours = column.slice(0, len(sample)).to_pylist()
        _require(ours == [cell_text(row.cells[i]) for row in sample])


def _build(  # noqa: PLR0917
    cells: list[pa.Array],
    table: Table,
    columns: ColumnMap,
    detected: dict[str, Detected],
    fiscal_year: int | None,
    ledger_file_id: int | None,
) -> NormalizeResult:
    count = len(cells[0])
    amount_cols = [c for n in ("debit", "credit", "amount") for c in columns.columns(n)]
    filled = [pc.not_equal(cells[c], "") for c in amount_cols]
    any_amount = filled[0] if len(filled) == 1 else pc.or_(filled[0], filled[1])
    _require(bool(pc.all(any_amount).as_py()))
    mark = _decimal_mark(cells, amount_cols, filled)
    detected["decimal_mark"] = Detected(value=mark, confidence=1.0)
    _require_no_headers(cells, table.headers, set(amount_cols))
    _require_no_totals(cells[0], 0 in amount_cols)
    posted_on, detected["date_order"] = _dates(cells, columns, fiscal_year)
    if fiscal_year is not None:
        detected["year"] = Detected(value=fiscal_year, confidence=1.0, source="override")
    anchor = (columns.columns("journal") or columns.columns("posted_on"))[:1]
    _require(not anchor or not pc.any(pc.equal(cells[anchor[0]], "")).as_py())
    detected["inherit"] = Detected(value=[], confidence=1.0, source="detected")
    debit, credit = _amounts(cells, columns, mark)
    row_numbers = pa.array(range(table.header_row.value + 1, table.header_row.value + 1 + count), pa.int64())
    return finish(
        cells,
        columns,
        detected,
        row_numbers=row_numbers,
        posted_on=posted_on,
        amounts=(debit, credit),
        fiscal_year=fiscal_year,
        ledger_file_id=ledger_file_id,
    )


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
) -> NormalizeResult:
    """The result from proven columns: `cells` are the trimmed texts of every column."""
    from normalizer.pipeline import undecided_notes

    count = len(cells[0])
    debit, credit = amounts
    empty = (
        pa.repeat(pa.scalar("", pa.string()), count)
        if any(not columns.columns(n) for n in _TEXT_FIELDS)
        else None
    )
    fields: dict[str, Any] = {"row_number": row_numbers, "posted_on": posted_on}
    for field in _TEXT_FIELDS:
        fields[field] = cells[columns.columns(field)[0]] if columns.columns(field) else empty
    fields["currency"] = _currency(cells, columns, count)
    for index in columns.attributes:
        fields[columns.names[index]] = cells[index]
    records = ColumnRecords(
        ledger_file_id=ledger_file_id, columns=pa.table(fields), debit=debit, credit=credit
    )
    issues: list[Issue] = list(undecided_notes(detected, columns))
    checks, more = record_checks(records, fiscal_year)
    issues.extend(more)
    issues.sort(key=lambda i: (i.row is not None, i.row or 0))
    return NormalizeResult(
        records=records,
        issues=tuple(issues),
        detected=detected,
        checks=tuple(checks),
        normalizer_version=NORMALIZER_VERSION,
    )


def _decimal_mark(cells: list[pa.Array], amount_cols: list[int], filled: list[pa.Array]) -> str:
    """The decimal mark `infer_decimal_mark` decides, when every amount is plain in it.

    A sample decides the mark; then every value must be a plain number in it. Such values read
    with that mark always, so none can show the other mark: the whole column decides the same.
    """
    sample = [v for c in amount_cols for v in cells[c].slice(0, 5000).to_pylist() if v]
    mark = infer_decimal_mark(sample).value
    _require(mark in _AMOUNT_PATTERN)
    for column, has in zip(amount_cols, filled, strict=True):
        values = pc.filter(cells[column], has)
        _require(bool(pc.all(pc.match_substring_regex(values, _AMOUNT_PATTERN[mark])).as_py()))
    return str(mark)


def _require_no_headers(cells: list[pa.Array], headers: Sequence[str], amount_cols: set[int]) -> None:
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
    _require(unchecked == 0 and not _rows_reach(masks, wanted))


def _folds_to(column: pa.Array, key: str) -> pa.Array | bool | None:
    """Where `normalize_header(value) == key`: False if nowhere, a mask, None if too many values."""
    encoded = pc.dictionary_encode(column)
    if len(encoded.dictionary) > _DISTINCT_LIMIT:
        return None
    distinct = encoded.dictionary.to_pylist()
    hits = [i for i, value in enumerate(distinct) if normalize_header(value) == key]
    if not hits:
        return False
    return pc.is_in(encoded.indices, value_set=pa.array(hits, encoded.indices.type))


def _rows_reach(masks: list[pa.Array], wanted: int) -> bool:
    if len(masks) < wanted:
        return False
    counts = pc.cast(masks[0], pa.int32())
    for mask in masks[1:]:
        counts = pc.add(counts, pc.cast(mask, pa.int32()))
    return bool(pc.any(pc.greater_equal(counts, wanted)).as_py())


def _require_no_totals(first: pa.Array, is_amount: bool) -> None:
    """No row is a total: its first cell (never blank here) does not read as a total label."""
    if is_amount:
        return
    candidates = pc.filter(first, pc.match_substring_regex(first, _TOTAL_START))
    if len(candidates) == 0:
        return
    distinct = pc.unique(candidates).to_pylist()
    _require(not any(_TOTAL_LABEL.search(value) for value in distinct))


def _dates(cells: list[pa.Array], columns: ColumnMap, fiscal_year: int | None) -> tuple[pa.Array, Detected]:
    found = columns.columns("posted_on")
    count = len(cells[0])
    if not found:
        return pa.nulls(count, pa.date32()), infer_date_order([])
    encoded = pc.dictionary_encode(cells[found[0]])
    distinct = encoded.dictionary.to_pylist()
    _require(len(distinct) <= _DISTINCT_LIMIT)
    order = infer_date_order([v for v in distinct if v])
    values: list[Any] = []
    for text in distinct:
        if not text:
            values.append(None)
            continue
        parsed = parse_date(text, order=order.value, default_year=fiscal_year)
        _require(parsed.error is None and parsed.value is not None)
        values.append(parsed.value)
    return pc.take(pa.array(values, pa.date32()), encoded.indices), order


def _units(column: pa.Array, mark: str) -> tuple[pa.Array, int]:
    """Integer units of a column of plain numbers ("" -> 0) and the scale they are at."""
    if mark == ".":
        text = pc.replace_substring(column, ",", "")
    else:
        text = pc.replace_substring(pc.replace_substring(column, ".", ""), ",", ".")
    point = pc.find_substring(text, ".")
    length = pc.utf8_length(text)
    scales = pc.if_else(pc.less(point, 0), 0, pc.subtract(pc.subtract(length, point), 1))
    scale = int(pc.max(scales).as_py() or 0)
    digits = pc.replace_substring(text, ".", "")
    widest = pc.max(pc.add(pc.utf8_length(digits), pc.subtract(scale, scales))).as_py() or 0
    _require(widest <= _MAX_DIGITS)
    digits = pc.if_else(pc.equal(digits, ""), "0", digits)
    units = pc.cast(digits, pa.int64())
    factor = pc.power(pa.scalar(10, pa.int64()), pc.cast(pc.subtract(scale, scales), pa.int64()))
    return pc.multiply_checked(units, factor), scale


def _amounts(cells: list[pa.Array], columns: ColumnMap, mark: str) -> tuple[Amounts, Amounts]:
    """Debit and credit, never negative: a negative debit is a credit and vice versa."""
    zero = pa.scalar(0, pa.int64())
    count = len(cells[0])
    if columns.model == "signed":
        signed, scale = _units(cells[columns.columns("amount")[0]], mark)
        debit = pc.if_else(pc.greater_equal(signed, 0), signed, zero)
        credit = pc.if_else(pc.less(signed, 0), pc.negate(signed), zero)
        return Amounts(units=debit, scale=scale), Amounts(units=credit, scale=scale)
    parsed = {
        n: _units(cells[columns.columns(n)[0]], mark) for n in ("debit", "credit") if columns.columns(n)
    }
    scale = max(s for _, s in parsed.values())
    for name, (units, column_scale) in parsed.items():
        if column_scale != scale:
            parsed[name] = (pc.multiply_checked(units, 10 ** (scale - column_scale)), scale)
    _require(all(_fits(units) for units, _ in parsed.values()))
    d_raw = parsed["debit"][0] if "debit" in parsed else _as_array(zero, count)
    c_raw = parsed["credit"][0] if "credit" in parsed else _as_array(zero, count)
    d = pc.add_checked(_positive(d_raw), _positive(pc.negate(c_raw)))
    c = pc.add_checked(_positive(c_raw), _positive(pc.negate(d_raw)))
    return Amounts(units=d, scale=scale), Amounts(units=c, scale=scale)


def _positive(values: pa.Array) -> pa.Array:
    return pc.if_else(pc.greater(values, 0), values, pa.scalar(0, pa.int64()))


def _fits(units: pa.Array) -> bool:
    """Values small enough that a debit plus a credit cannot overflow int64."""
    limit = 10**_MAX_DIGITS
    return bool(pc.all(pc.less(pc.abs(units), limit)).as_py())


def _as_array(value: Any, count: int) -> pa.Array:
    if isinstance(value, pa.Scalar):
        return pa.repeat(value, count)
    return value


def _currency(cells: list[pa.Array], columns: ColumnMap, count: int) -> pa.Array:
    found = columns.columns("currency")
    if not found:
        return pa.repeat(pa.scalar("", pa.string()), count)
    encoded = pc.dictionary_encode(cells[found[0]])
    distinct = encoded.dictionary.to_pylist()
    _require(len(distinct) <= _DISTINCT_LIMIT)
    codes = pa.array([currency_code(v) for v in distinct], pa.string())
    return pc.take(codes, encoded.indices)

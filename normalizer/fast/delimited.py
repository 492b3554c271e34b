"""The columnar path for large delimited files of an ordinary shape.

`normalize_columnar` gives exactly the `NormalizeResult` the general path gives, or None when
the file is not one it is sure about; then the caller takes the general path. It is sure when:

- the general reader, run on the first half megabyte, finds UTF-8 delimited text whose header
  and column map (built by the general code) give one column per field and a debit/credit or
  signed amount model, with every record on one physical line;
- Arrow's CSV reader parses the whole file into exactly one row per remaining line, each as
  wide as the header, and agrees cell for cell with the `csv` module on that first part;
- over whole columns, every row is a ledger line with an amount, a repeated header, a total
  row whose figures are in amount columns, or blank (`normalizer.fast.kinds`; group and note
  rows decline); every amount of a ledger line is a plain number in the decided decimal mark
  (so no row is an error and nothing can round: amounts are integers at the column's largest
  scale); every date parses. Continuation lines (a blank anchor: journal, else date) take
  their block head's values as the `BlockWalker` gives them, when the file has a journal
  column and no currency column; total rows are checked against the lines they total
  (`normalizer.fast.totals`, then the general `choose_scope` and `check_totals`).

Decisions that look at a whole column (decimal mark, date order) are taken by the general
functions on the column's distinct values, which gives the same answer as on every value.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from normalizer.errors import NormalizerError
from normalizer.fast.arrow import EMPTY, array, combined, numbers
from normalizer.fast.common import (
    DISTINCT_LIMIT,
    WHITESPACE,
    ColumnUnits,
    NotSure,
    amount_units,
    column_amounts,
    finish,
    require,
    require_simple,
)
from normalizer.fast.kinds import RowKinds, inherited, row_kinds, segments
from normalizer.fast.parallel import each
from normalizer.fast.totals import total_findings
from normalizer.mapping import ColumnMap, build_column_map
from normalizer.readers.limits import Limits
from normalizer.result import CheckResult, Detected, Issue, NormalizeResult
from normalizer.roles.content import SAMPLE_ROWS
from normalizer.roles.explain import describe_roles
from normalizer.structure.cells import cell_text
from normalizer.structure.classify import index_columns
from normalizer.structure.decisions import AUTO_INHERIT
from normalizer.structure.table import Table, build_table
from normalizer.structure.totals import check_totals, choose_scope
from normalizer.values.amounts import infer_decimal_mark, parse_amount
from normalizer.values.dates import infer_date_order, parse_date

_PREFIX_BYTES = 512 << 10
#: Bytes `_line_count` scans at a time.
_COUNT_BLOCK = 256 << 10
_AMOUNT_PATTERN = {
    ".": r"^-?(?:[0-9]+|[1-9][0-9]{0,2}(?:,[0-9]{3})+)(?:\.[0-9]+)?$",
    ",": r"^-?(?:[0-9]+|[1-9][0-9]{0,2}(?:\.[0-9]{3})+)(?:,[0-9]+)?$",
}
_WHOLE_NUMBER = r"^-?[0-9]+$"


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
    except (NotSure, NormalizerError, pa.ArrowException):
        return None


def _prefix(data: bytes) -> bytes:
    if len(data) <= _PREFIX_BYTES:
        return data
    cut = data.find(b"\n", _PREFIX_BYTES)
    return data if cut < 0 else data[: cut + 1]


def _normalize(
    data: bytes,
    name: str | None,
    profile_detected: Detected,
    fiscal_year: int | None,
    ledger_file_id: int | None,
) -> NormalizeResult:
    from normalizer.readers import read_workbook

    head = read_workbook(_prefix(data), name=name)
    require(head.container == "delimited" and len(head.sheets) == 1)
    require(
        head.detected["encoding"].value in ("utf-8", "utf-8-sig")
        and "nul_characters" not in head.detected
        and "replaced_sequences" not in head.detected  # the general path reports each one
    )
    require(b"\x00" not in data and not data.endswith(b"\x1a"))
    rows = head.sheets[0].rows
    require(all(row.number == i + 1 for i, row in enumerate(rows)))
    table = build_table(rows, None, {})
    columns = build_column_map(table.headers, None, sample=table.rows[:SAMPLE_ROWS])
    # role evidence is read from the first rows: the prefix must hold as many as the file
    require(len(table.rows) >= SAMPLE_ROWS or len(data) <= _PREFIX_BYTES)
    width = len(table.headers)
    require(all(len(row.cells) == width for row in table.rows))
    require_simple(columns)
    require(not columns.issues)  # file-level findings: the general path reports them
    header_lines = len(table.preamble) + 1
    parsed = [_read_arrow(data, head.detected["delimiter"].value, width, header_lines)]
    require(parsed[0].num_rows + header_lines == _line_count(data))
    require(parsed[0].num_rows + header_lines <= 5_000_000 and width <= 1_000)
    require(len(data) <= Limits().max_bytes)
    cells = _trimmed_columns(parsed)
    _require_same_start(cells, table)
    require(not index_columns(table.headers, table.rows))
    amount_cols = [c for n in ("debit", "credit", "amount") for c in columns.columns(n)]
    kinds = row_kinds(cells, table.headers, amount_cols)

    detected: dict[str, Detected] = {"profile": profile_detected, **head.detected}
    detected["sheet"] = Detected(value=None, confidence=1.0, source="detected")
    detected["header_row"] = table.header_row
    detected.update(describe_roles(columns))
    return _build(cells, kinds, table, columns, detected, fiscal_year, ledger_file_id)


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
    """Physical lines as the general reader counts them (CR LF, LF or a lone CR end a line).

    Counted in numpy a block at a time, the masks small enough to stay in cache: 0.09 s for
    127 MB against 0.33 s for three `bytes.count` passes (CR LF is a two-byte search).
    """
    view = np.frombuffer(data, dtype=np.uint8)
    lf = cr = crlf = 0
    for start in range(0, len(view), _COUNT_BLOCK):
        is_cr = view[start : start + _COUNT_BLOCK] == 13
        # one byte further: a CR last in this block and an LF first in the next are one CR LF
        is_lf = view[start : start + _COUNT_BLOCK + 1] == 10
        lf += int(np.count_nonzero(is_lf[: len(is_cr)]))
        cr += int(np.count_nonzero(is_cr))
        crlf += int(np.count_nonzero(is_cr[: len(is_lf) - 1] & is_lf[1:]))
    return lf + cr - crlf + (0 if data.endswith((b"\n", b"\r")) else 1)


def _trimmed_columns(parsed: list[pa.Table]) -> list[pa.Array]:
    """Each column's cells as `cell_text` gives them (stripped), one contiguous array each.

    Takes the parsed table over (out of `parsed`) and drops each column once trimmed: the
    text is held once, not three times (chunks, combined, trimmed). Also bounds the longest
    line (quoting at most doubles a cell, plus 3 per cell) by the general reader's limit.
    """
    frame = parsed.pop()
    untrimmed: list[pa.ChunkedArray | None] = [frame.column(i) for i in range(frame.num_columns)]
    del frame

    def trim(i: int) -> tuple[int, pa.Array]:
        column = untrimmed[i]
        untrimmed[i] = None  # dropped once trimmed: the whole text is never held twice
        longest = 2 * int(pc.max(pc.binary_length(column)).as_py() or 0) + 3
        return longest, combined(pc.utf8_trim(column, characters=WHITESPACE))

    trimmed = each(trim, range(len(untrimmed)))
    require(sum(longest for longest, _ in trimmed) <= Limits().max_line_chars)
    return [column for _, column in trimmed]


def _require_same_start(cells: list[pa.Array], table: Table) -> None:
    """Arrow and the general reader agree on every cell of the first part of the file."""
    sample = list(table.rows)
    require(bool(sample) and len(cells[0]) >= len(sample))
    for i, column in enumerate(cells):
        ours = column.slice(0, len(sample)).to_pylist()
        require(ours == [cell_text(row.cells[i]) for row in sample])


def _build(  # noqa: PLR0917
    every_row: list[pa.Array],
    kinds: RowKinds,
    table: Table,
    columns: ColumnMap,
    detected: dict[str, Detected],
    fiscal_year: int | None,
    ledger_file_id: int | None,
) -> NormalizeResult:
    first_row = table.header_row.value + 1
    all_rows = array(range(first_row, first_row + len(every_row[0])), pa.int64())
    row_numbers = all_rows if kinds.plain else pc.filter(all_rows, kinds.data)
    has_totals = bool(pc.any(kinds.total).as_py())
    total_cells = [pc.filter(c, kinds.total) for c in every_row] if has_totals else []
    if not kinds.plain:
        # the ledger lines' cells replace the caller's columns one by one (taken over): the
        # whole text is never held twice
        for i, column in enumerate(every_row):
            every_row[i] = pc.filter(column, kinds.data)
        del column
    cells = every_row
    require(len(cells[0]) > 0)
    amount_cols = [c for n in ("debit", "credit", "amount") for c in columns.columns(n)]
    filled = [pc.not_equal(cells[c], EMPTY) for c in amount_cols]
    mark = _decimal_mark(cells, amount_cols, filled)
    detected["decimal_mark"] = Detected(value=mark, confidence=1.0)
    posted_on, detected["date_order"] = _dates(cells, columns, fiscal_year)
    if fiscal_year is not None:
        detected["year"] = Detected(value=fiscal_year, confidence=1.0, source="override")
    segment = segments(kinds)
    inherit = _inherit(cells, columns)
    detected["inherit"] = Detected(value=list(inherit), confidence=0.9 if inherit else 1.0, source="detected")
    if inherit:
        cells, posted_on = _continued(cells, posted_on, columns, inherit, pc.filter(segment, kinds.data))
    parsed = each(lambda c: amount_units(cells[c], mark or "."), amount_cols)  # whole numbers: either mark
    units = dict(zip(amount_cols, parsed, strict=True))
    debit, credit = column_amounts(cells, columns, mark or ".", units)
    checks: list[CheckResult] = []
    issues: list[Issue] = []
    if has_totals:
        check, issues = _total_rows(total_cells, all_rows, kinds, segment, columns, detected, mark, units)
        checks.append(check)
    return finish(
        cells,
        columns,
        detected,
        row_numbers=row_numbers,
        posted_on=posted_on,
        amounts=(debit, credit),
        fiscal_year=fiscal_year,
        ledger_file_id=ledger_file_id,
        leading=(checks, issues),
    )


def _inherit(cells: list[pa.Array], columns: ColumnMap) -> tuple[str, ...]:
    """`decide_blocks`'s detection: the anchor is blank on some lines but not on the first."""
    anchor = (columns.columns("journal") or columns.columns("posted_on"))[:1]
    if not anchor:
        return ()
    blank = pc.equal(cells[anchor[0]], EMPTY)
    if blank[0].as_py() or not pc.any(blank).as_py():
        return ()
    # a synthesized journal (the block's ordinal) or an inherited currency code: general path
    require(bool(columns.columns("journal")) and not columns.columns("currency"))
    return tuple(name for name in AUTO_INHERIT if columns.columns(name))


def _continued(
    cells: list[pa.Array],
    posted_on: pa.Array,
    columns: ColumnMap,
    inherit: tuple[str, ...],
    segment: pa.Array,
) -> tuple[list[pa.Array], pa.Array]:
    """Continuation lines filled from their block's first line (`BlockWalker.line`)."""
    anchor_filled = pc.not_equal(cells[columns.columns("journal")[0]], EMPTY)
    out = list(cells)
    for name in inherit:
        if name == "posted_on":
            posted_on = inherited(posted_on, anchor_filled, segment, blank=pc.is_null(posted_on))
        else:
            index = columns.columns(name)[0]
            out[index] = inherited(cells[index], anchor_filled, segment, blank=pc.equal(cells[index], EMPTY))
    return out, posted_on


def _total_rows(  # noqa: PLR0917
    total_cells: list[pa.Array],
    all_rows: pa.Array,
    kinds: RowKinds,
    segment: pa.Array,
    columns: ColumnMap,
    detected: dict[str, Detected],
    mark: str | None,
    units: ColumnUnits,
) -> tuple[CheckResult, list[Issue]]:
    """The general path's `total_rows` check (and `total_scope` detection) over columns."""

    def parse(text: str) -> Decimal | None:
        return parse_amount(text, decimal_mark=mark).value

    amount_cols = [c for n in ("debit", "credit", "amount") for c in columns.columns(n)]
    findings = total_findings(
        total_cells,
        pc.filter(all_rows, kinds.total).to_pylist(),
        numbers(pc.filter(segment, kinds.total)),
        numbers(pc.filter(segment, kinds.data)),
        amount_cols,
        columns.names,
        units,
        (mark, _WHOLE_NUMBER if mark is None else _AMOUNT_PATTERN[mark], parse),
    )
    scope = choose_scope(findings, None)
    detected["total_scope"] = scope
    return check_totals(findings, str(scope.value))


def _decimal_mark(cells: list[pa.Array], amount_cols: list[int], filled: list[pa.Array]) -> str | None:
    """The decimal mark `infer_decimal_mark` decides, when every amount is plain in it.

    A sample decides the mark; then every value must be a plain number in it. Such values read
    with that mark always, so none can show the other mark: the whole column decides the same.
    Whole numbers decide no mark (None, as the general path records) and read the same either
    way; a column with no amount at all (credits never given) has nothing to check.
    """
    sample = [v for c in amount_cols for v in cells[c].slice(0, 5000).to_pylist() if v]
    decided = infer_decimal_mark(sample)
    mark = decided.value
    if mark is None:
        require(decided.confidence == 1.0)
        pattern = _WHOLE_NUMBER
    else:
        require(mark in _AMOUNT_PATTERN)
        pattern = _AMOUNT_PATTERN[mark]
    for column, has in zip(amount_cols, filled, strict=True):
        values = pc.filter(cells[column], has)
        require(len(values) == 0 or bool(pc.all(pc.match_substring_regex(values, pattern)).as_py()))
    return None if mark is None else str(mark)


def _dates(cells: list[pa.Array], columns: ColumnMap, fiscal_year: int | None) -> tuple[pa.Array, Detected]:
    found = columns.columns("posted_on")
    count = len(cells[0])
    if not found:
        return pa.nulls(count, pa.date32()), infer_date_order([])
    encoded = pc.dictionary_encode(cells[found[0]])
    distinct = encoded.dictionary.to_pylist()
    require(len(distinct) <= DISTINCT_LIMIT)
    order = infer_date_order([v for v in distinct if v])
    values: list[Any] = []
    for text in distinct:
        if not text:
            values.append(None)
            continue
        parsed = parse_date(text, order=order.value, default_year=fiscal_year)
        require(parsed.error is None and parsed.value is not None)
        values.append(parsed.value)
    return pc.take(array(values, pa.date32()), encoded.indices), order

"""XLSX: one sheet per section plus a `Provenance` sheet, streamed, byte-for-byte reproducible.

Amounts are numeric cells formatted `#,##0.00` (negative amounts too) whose stored value is the
amount's exact decimal text, dates are date cells, ints are numbers; the header row is bold and
frozen, totals rows are bold, and columns are sized to their content. A section longer than
Excel's 1,048,576 rows (header included) continues on further sheets (`Detail (2)`, …) under
the same header, and the provenance sheet names each sheet's rows (`sheet.Detail (2)`:
`detail rows 1048576-2000000 of 2000000`). No clock is read: docProps/core.xml says
2000-01-01 and every zip entry 1980-01-01, so the same table always gives the same bytes (for
the same zlib).

The sheets are written by a purpose-built streaming writer (`xlsx_sheet`, `xlsx_package`), not
openpyxl or xlsxwriter: it encodes a chunk of rows column by column and holds nothing else, and
at 1M rows it is several times faster than either (bench/bench_xlsx.py, docs/performance.md).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import BinaryIO, cast

from reporting.provenance import ProvenanceValue
from reporting.renderers.cells import amount_text
from reporting.renderers.xlsx_package import open_entry, sheet_part, write_fixed_parts
from reporting.renderers.xlsx_sheet import MAX_SHEET_ROWS, ZIP32_LIMIT, SheetKind, SheetTooLarge, write_sheet
from reporting.table import Cell, ColumnKind, Row, Section, Table, column_slices

_MIN_WIDTH, _MAX_WIDTH = 8, 60
_WIDTH_BLOCK = 1 << 13
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True, slots=True, kw_only=True)
class _Sheet:
    name: str
    header: tuple[str, ...]
    kinds: tuple[SheetKind, ...]
    widths: tuple[float, ...]
    segments: tuple[tuple[Sequence[Row], bool], ...]


def render_xlsx(table: Table, *, max_sheet_rows: int = MAX_SHEET_ROWS) -> bytes:
    """The table as an XLSX workbook. `max_sheet_rows` (header included) is Excel's limit."""
    buffer = io.BytesIO()
    write_xlsx(table, buffer, max_sheet_rows=max_sheet_rows)
    return buffer.getvalue()


def write_xlsx(table: Table, out: BinaryIO, *, max_sheet_rows: int = MAX_SHEET_ROWS) -> None:
    """Write the workbook into `out`, an empty seekable binary file.

    The same bytes as `render_xlsx`, streamed: a zip entry's sizes are patched in once it is
    written (hence seekable), and only a chunk of rows is held at a time.
    """
    if max_sheet_rows < 2:
        raise ValueError(f"a sheet holds the header and at least one row, not {max_sheet_rows}")
    sheets = _plan(table, max_sheet_rows)
    large: set[int] = set()
    origin = out.tell()
    while True:
        try:
            _package(table.report, sheets, large, out)
            return
        except SheetTooLarge as exc:  # rare: over 2 GiB of XML in one sheet; again, with zip64
            large.add(exc.args[0])
            out.seek(origin)
            out.truncate()


def _package(title: str, sheets: Sequence[_Sheet], large: set[int], out: BinaryIO) -> None:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        write_fixed_parts(archive, [sheet.name for sheet in sheets], title)
        for index, sheet in enumerate(sheets, 1):
            with open_entry(archive, sheet_part(index), large=index in large) as entry:
                try:
                    write_sheet(
                        entry,
                        header=sheet.header,
                        kinds=sheet.kinds,
                        widths=sheet.widths,
                        segments=sheet.segments,
                        selected=index == 1,
                        limit=None if index in large else ZIP32_LIMIT,
                    )
                except SheetTooLarge:
                    raise SheetTooLarge(index) from None


def _plan(table: Table, max_sheet_rows: int) -> list[_Sheet]:
    used: set[str] = set()
    sheets: list[_Sheet] = []
    notes: list[tuple[str, ProvenanceValue]] = []
    for section in table.sections:
        kinds = tuple(column.kind for column in section.columns)
        widths = _widths(section)
        parts = _split(section, max_sheet_rows - 1)
        total = len(section.rows) + len(section.totals)
        for segments, first, last in parts:
            name = _sheet_name(section.title, used)
            sheets.append(
                _Sheet(name=name, header=section.column_names, kinds=kinds, widths=widths, segments=segments)
            )
            if len(parts) > 1:
                notes.append((f"sheet.{name}", f"{section.title} rows {first}-{last} of {total}"))
    items = [*table.provenance.items(), *notes]
    sheets.append(_provenance_sheet(_sheet_name("Provenance", used), items))
    return sheets


def _split(section: Section, per_sheet: int) -> list[tuple[tuple[tuple[Sequence[Row], bool], ...], int, int]]:
    """Each sheet's segments of body and totals rows, with its first and last row (1-based)."""
    body, totals = section.rows, section.totals
    total = len(body) + len(totals)
    parts = []
    for start in range(0, max(total, 1), per_sheet):
        stop = min(start + per_sheet, total)
        segments: list[tuple[Sequence[Row], bool]] = []
        if start < len(body):
            segments.append((body[start : min(stop, len(body))], False))
        if stop > len(body):
            segments.append((totals[max(start - len(body), 0) : stop - len(body)], True))
        parts.append((tuple(segments), start + 1, stop))
    return parts


def _provenance_sheet(name: str, items: list[tuple[str, ProvenanceValue]]) -> _Sheet:
    key_width = max(len(key) for key, _ in items)
    value_width = max(_text_length(value) if value is not None else 0 for _, value in items)
    rows = tuple((key, value) for key, value in items)
    return _Sheet(
        name=name,
        header=("key", "value"),
        kinds=("text", "value"),
        widths=(_clamp(key_width), _clamp(value_width)),
        segments=((rows, False),),
    )


def _widths(section: Section) -> tuple[float, ...]:
    """Each column's width: its longest header or cell as displayed, plus 2, within 8 … 60.

    Worked out a block of rows at a time, column by column: texts by their lengths (line by
    line only in a block where some text is not printable), amounts and ints from the block's
    extremes (the display grows with the magnitude on each side of zero); a date's is 10.
    """
    longest = [len(name) for name in section.column_names]
    kinds = [column.kind for column in section.columns]
    for rows in (section.rows, section.totals):
        for start in range(0, len(rows), _WIDTH_BLOCK):
            columns = column_slices(rows, start, start + _WIDTH_BLOCK, len(kinds))
            for index, (kind, column) in enumerate(zip(kinds, columns, strict=True)):
                try:
                    length = _longest(kind, column)
                except TypeError:  # a None among them (found by comparing it): the others
                    length = _longest(kind, [value for value in column if value is not None])
                longest[index] = max(longest[index], length)
    return tuple(map(_clamp, longest))


def _longest(kind: ColumnKind, values: Sequence[Cell]) -> int:
    """The longest display of `values`; `TypeError` if one is None (unless it is alone)."""
    if not values or (len(values) == 1 and values[0] is None):
        return 0
    if kind == "date":
        return 10 if any(values) else 0
    if kind == "text":
        texts = cast(Sequence[str], values)
        if "".join(texts).isprintable():  # no line breaks in any: lengths as they are
            return max(map(len, texts)) + 1
        return max(map(_text_length, texts))
    if kind == "amount":
        amounts = cast(Sequence[Decimal], values)
        if not all(map(Decimal.is_finite, amounts)):
            amount_text(next(value for value in amounts if not value.is_finite()))  # raises
        return max(_amount_length(min(amounts)), _amount_length(max(amounts)))
    numbers = cast(Sequence[int], values)
    return max(_text_length(min(numbers)), _text_length(max(numbers)))


def _amount_length(value: Cell) -> int:
    assert isinstance(value, Decimal)
    text = amount_text(value)
    whole = text.lstrip("-").split(".")[0]
    return len(text.split(".")[0]) + (len(whole) - 1) // 3 + 3  # thousands commas, 2 decimals


def _text_length(value: Cell) -> int:
    text = str(value)
    if text.isprintable():  # no line breaks
        return len(text) + 1
    return max((len(line) for line in text.splitlines()), default=0) + 1


def _clamp(width: int) -> float:
    return float(min(max(width + 2, _MIN_WIDTH), _MAX_WIDTH))


def _sheet_name(title: str, used: set[str]) -> str:
    base = _SHEET_NAME_FORBIDDEN.sub("_", title).strip("'")[:31] or "Sheet"
    base = base[:1].upper() + base[1:]
    name, number = base, 2
    while name.lower() in used:
        suffix = f" ({number})"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    used.add(name.lower())
    return name

"""One worksheet's XML, streamed in chunks of rows: the hot loop of the XLSX renderer.

Rows are encoded a chunk at a time, column by column: each column's cells become XML in one
comprehension (text through a cache of escaped values, dates through a cache of serials,
amounts and ints as their exact decimal text), then the rows are joined. Nothing is held but
the chunk, so memory does not grow with the sheet.

Cell semantics are those of the openpyxl renderer this replaced: text is an inline string
(neutralised, XML-illegal characters as U+FFFD), an empty text or `None` is no cell (a styled
empty cell in a bold row), dates are serial numbers formatted `yyyy-mm-dd`, amounts and ints
are numbers. An amount's `<v>` is its exact decimal text (`1234.50`), never a float's digits:
a reader gets the double nearest the exact amount.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Literal, Protocol

from reporting.renderers.cells import amount_text, neutralize
from reporting.renderers.xlsx_package import BOLD_STYLE, STYLE
from reporting.table import Cell, ColumnKind, Row

#: Excel's limit, header included.
MAX_SHEET_ROWS = 1_048_576
#: zipfile's limit for an entry opened without zip64 sizes.
ZIP32_LIMIT = (1 << 31) - 1
_CHUNK_ROWS = 2048
_CACHE_LIMIT = 1 << 17
#: Characters XML 1.0 cannot carry; shown as U+FFFD instead.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_NEEDS_ESCAPE = re.compile(r"[&<>\r]")
#: Text Excel would read as an escaped character (`_x0041_` is `A`): its `_` is escaped itself.
_LOOKS_ESCAPED = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")
#: An amount cell whose text is not a plain finite non-negative-zero number (`-0.00`, `NaN`).
_ODD_AMOUNT = re.compile(r"<v>(?:-0(?:\.0*)?(?:E[+-]?\d+)?|[^<]*[nN][^<]*)</v>")
#: Excel's serial day 0 (1900 date system, with its fictitious 1900-02-29 at serial 60).
_EPOCH = dt.date(1899, 12, 30)

#: A column's kind, or `value`: a provenance value, an int or a text per cell.
SheetKind = ColumnKind | Literal["value"]
_Encode = Callable[[tuple[Cell, ...]], list[str]]


class ByteSink(Protocol):
    def write(self, data: bytes, /) -> object: ...


class SheetTooLarge(Exception):
    """The sheet's XML passed 2 GiB in an entry opened without zip64 sizes."""


def write_sheet(
    out: ByteSink,
    *,
    header: Sequence[str],
    kinds: Sequence[SheetKind],
    widths: Sequence[float],
    segments: Sequence[tuple[Sequence[Row], bool]],
    selected: bool,
    limit: int | None,
) -> None:
    """Write one worksheet: `header` (bold, frozen), then each segment's rows (bold if flagged).

    `limit` is the most bytes of XML the entry may take (None: no limit); past it
    `SheetTooLarge` is raised so that the renderer can write the sheet again with zip64 sizes.
    """
    count = 1 + sum(len(rows) for rows, _ in segments)
    written = 0
    for data in _sheet_xml(
        header=header, kinds=kinds, widths=widths, segments=segments, count=count, selected=selected
    ):
        chunk = data.encode("utf-8")
        written += len(chunk)
        if limit is not None and written > limit:
            raise SheetTooLarge
        out.write(chunk)


def column_letter(index: int) -> str:
    """The letters of the `index`-th column (0-based): A … Z, AA …"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet_xml(
    *,
    header: Sequence[str],
    kinds: Sequence[SheetKind],
    widths: Sequence[float],
    segments: Sequence[tuple[Sequence[Row], bool]],
    count: int,
    selected: bool,
) -> Iterator[str]:
    letters = [column_letter(index) for index in range(len(kinds))]
    yield _head(letters, widths, count, selected)
    cells = "".join(
        f'<c r="{letter}1" s="1" t="inlineStr">{_inline(name)}'
        for letter, name in zip(letters, header, strict=True)
    )
    yield f'<row r="1">{cells}</row>'
    encoders = {bold: [_encoder(kind, bold) for kind in kinds] for bold in (False, True)}
    number = 2
    for rows, bold in segments:
        for start in range(0, len(rows), _CHUNK_ROWS):
            chunk = rows[start : start + _CHUNK_ROWS]
            yield _rows_xml(chunk, number, letters, encoders[bold])
            number += len(chunk)
    yield (
        '</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
        'footer="0.3"/></worksheet>'
    )


def _head(letters: Sequence[str], widths: Sequence[float], count: int, selected: bool) -> str:
    dimension = f'<dimension ref="A1:{letters[-1]}{count}"/>' if letters else ""
    tab = ' tabSelected="1"' if selected else ""
    cols = "".join(
        f'<col min="{index}" max="{index}" width="{width:g}" customWidth="1"/>'
        for index, width in enumerate(widths, 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'{dimension}<sheetViews><sheetView{tab} workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        f"{cols and f'<cols>{cols}</cols>'}<sheetData>"
    )


def _rows_xml(rows: Sequence[Row], first: int, letters: Sequence[str], encoders: Sequence[_Encode]) -> str:
    numbers = range(first, first + len(rows))
    columns = [
        [
            f'<c r="{letter}{number}"{cell}' if cell else ""
            for number, cell in zip(numbers, encode(column), strict=True)
        ]
        for letter, encode, column in zip(letters, encoders, zip(*rows, strict=True), strict=True)
    ]
    return "".join(
        [
            f'<row r="{number}">{"".join(cells)}</row>'
            for number, cells in zip(numbers, zip(*columns, strict=True), strict=True)
        ]
    )


def _encoder(kind: SheetKind, bold: bool) -> _Encode:
    styles = BOLD_STYLE if bold else STYLE
    empty = f' s="{BOLD_STYLE["text"]}"/>' if bold else ""
    if kind == "value":
        return _ValueCells(styles["text"], empty, styles["int"]).encode
    style = styles[kind]
    if kind == "text":
        return _TextCells(style, empty).encode
    if kind == "date":
        return _DateCells(style, empty).encode
    if kind == "amount":
        return lambda column: _amount_cells(column, style, empty)
    return lambda column: [
        f' s="{style}"><v>{value}</v></c>' if value is not None else empty for value in column
    ]


class _TextCells(dict[Cell, str]):
    """Each distinct text's cell XML (after `<c r="…"`), made once; cleared when it grows large."""

    def __init__(self, style: int, empty: str) -> None:
        super().__init__({None: empty, "": empty})
        self._style = f' s="{style}"' if style else ""
        self._empty = empty

    def encode(self, column: tuple[Cell, ...]) -> list[str]:
        if len(self) > _CACHE_LIMIT:
            self.clear()
            self.update({None: self._empty, "": self._empty})
        return list(map(self.__getitem__, column))

    def __missing__(self, value: Cell) -> str:
        assert isinstance(value, str)
        cell = f'{self._style} t="inlineStr">{_inline(value)}'
        self[value] = cell
        return cell


class _ValueCells(_TextCells):
    """Provenance values: an int is a number (`0` format), anything else text."""

    def __init__(self, style: int, empty: str, int_style: int) -> None:
        super().__init__(style, empty)
        self._int_style = int_style

    def __missing__(self, value: Cell) -> str:
        if isinstance(value, int):
            cell = f' s="{self._int_style}"><v>{value}</v></c>'
            self[value] = cell
            return cell
        return super().__missing__(value)


class _DateCells(dict[Cell, str]):
    def __init__(self, style: int, empty: str) -> None:
        super().__init__({None: empty})
        self._style = style

    def encode(self, column: tuple[Cell, ...]) -> list[str]:
        return list(map(self.__getitem__, column))

    def __missing__(self, value: Cell) -> str:
        assert isinstance(value, dt.date)
        cell = f' s="{self._style}"><v>{excel_serial(value)}</v></c>'
        self[value] = cell
        return cell


def excel_serial(value: dt.date) -> int:
    """The date's serial day number, as openpyxl computes it (1900 system, Excel's leap-day bug)."""
    days = (value - _EPOCH).days
    return days - 1 if 0 < days <= 60 else days


def _amount_cells(column: tuple[Cell, ...], style: int, empty: str) -> list[str]:
    prefix = f' s="{style}"><v>'
    cells = [prefix + str(value) + "</v></c>" if value is not None else empty for value in column]
    if _ODD_AMOUNT.search("".join(cells)):
        cells = [
            prefix + _amount_value(value) + "</v></c>" if value is not None else empty for value in column
        ]
    return cells


def _amount_value(value: Cell) -> str:
    # amount_text refuses non-finite amounts (as the CSV renderer does) and drops the sign of zero.
    assert isinstance(value, Decimal)
    return amount_text(value)


def _inline(text: str) -> str:
    """`<is><t>…</t></is></c>` for the text as a spreadsheet must show it."""
    text = neutralize(_ILLEGAL.sub("\ufffd", text))
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    if _NEEDS_ESCAPE.search(text):
        text = text.translate(_ESCAPE)
    if "_x" in text:
        text = _LOOKS_ESCAPED.sub("_x005F_", text)
    return f"<is><t{space}>{text}</t></is></c>"

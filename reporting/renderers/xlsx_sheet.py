"""One worksheet's XML, streamed in chunks of rows: the hot loop of the XLSX renderer.

Rows are encoded a chunk at a time, column by column: each column's cells become XML in one
comprehension (a text column escaped as one joined string, dates through a cache of serials,
amounts and ints as their exact decimal text), then the chunk's rows are joined in one call.
Nothing is held but the chunk, so memory does not grow with the sheet.

Cell semantics are those of the openpyxl renderer this replaced: text is an inline string
(neutralised, XML-illegal characters as U+FFFD), an empty text or `None` is no cell (a styled
empty cell in a bold row), dates are serial numbers formatted `yyyy-mm-dd`, amounts and ints
are numbers. An amount's `<v>` is its exact decimal text (`1234.50`), never a float's digits:
a reader gets the double nearest the exact amount.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Literal, Protocol, cast

from reporting.renderers.cells import amount_text, neutralize
from reporting.renderers.xlsx_package import BOLD_STYLE, STYLE
from reporting.table import Cell, ColumnKind, Row, column_slices

#: Excel's limit, header included.
MAX_SHEET_ROWS = 1_048_576
#: zipfile's limit for an entry opened without zip64 sizes.
ZIP32_LIMIT = (1 << 31) - 1
_CHUNK_ROWS = 2048
#: Characters XML 1.0 cannot carry; shown as U+FFFD instead.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: The same, as UTF-8 bytes: what a chunk of XML must not hold.
_ILLEGAL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
#: A text a spreadsheet would run (see `cells.neutralize`); tab and CR are whitespace here.
_FORMULA_STARTS = ("=", "+", "-", "@")
_FORMULA_START = re.compile(r"\x00[=+\-@]")
_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;"))
#: Text Excel would read as an escaped character (`_x0041_` is `A`): its `_` is escaped itself.
_LOOKS_ESCAPED = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")
#: An amount cell whose text is not a plain finite non-negative-zero number (`-0.00`, `NaN`).
_ODD_AMOUNT = re.compile(r"<v>(?:-0(?:\.0*)?(?:E[+-]?\d+)?|[^<]*[nN][^<]*)</v>")
#: Excel's serial day 0 (1900 date system, with its fictitious 1900-02-29 at serial 60).
_EPOCH = dt.date(1899, 12, 30)

#: A column's kind, or `value`: a provenance value, an int or a text per cell.
SheetKind = ColumnKind | Literal["value"]
_Encode = Callable[[Sequence[Cell]], list[str]]


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
    for chunk in _sheet_xml(
        header=header, kinds=kinds, widths=widths, segments=segments, count=count, selected=selected
    ):
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
) -> Iterator[bytes]:
    letters = [column_letter(index) for index in range(len(kinds))]
    cells = "".join(
        f'<c r="{letter}1" s="1" t="inlineStr">{_inline(name)}'
        for letter, name in zip(letters, header, strict=True)
    )
    yield f'{_head(letters, widths, count, selected)}<row r="1">{cells}</row>'.encode()
    encoders = {
        (bold, careful): [_encoder(kind, bold, careful) for kind in kinds]
        for bold in (False, True)
        for careful in (False, True)
    }
    number = 2
    for rows, bold in segments:
        for start in range(0, len(rows), _CHUNK_ROWS):
            columns = column_slices(rows, start, start + _CHUNK_ROWS, len(kinds))
            xml = _rows_xml(columns, number, letters, encoders[bold, False])
            data = xml.encode()
            if _holds_illegal(xml, data):
                data = _rows_xml(columns, number, letters, encoders[bold, True]).encode()
            yield data
            number += len(columns[0]) if columns else 0
    yield (
        b'</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
        b'footer="0.3"/></worksheet>'
    )


def _holds_illegal(xml: str, data: bytes) -> bool:
    """Whether the XML holds a character XML 1.0 cannot carry (the chunk's text put it there)."""
    # `in` on a str that holds only Latin-1 answers at once for U+FFFE and U+FFFF.
    return len(data.translate(None, _ILLEGAL_BYTES)) != len(data) or "\ufffe" in xml or "\uffff" in xml


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


def _rows_xml(
    columns: Sequence[Sequence[Cell]], first: int, letters: Sequence[str], encoders: Sequence[_Encode]
) -> str:
    """The XML of a block of rows given column by column (`columns[i]`: the i-th column's cells)."""
    numbers = list(map(str, range(first, first + (len(columns[0]) if columns else 0))))
    cells = [
        [
            f'<c r="{letter}{number}"{cell}' if cell else ""
            for number, cell in zip(numbers, encode(column), strict=True)
        ]
        for letter, encode, column in zip(letters, encoders, columns, strict=True)
    ]
    opening = [f'<row r="{number}">' for number in numbers]
    # Row by row, cell by cell, in one join: no Python frame per row.
    return "".join(itertools.chain.from_iterable(zip(opening, *cells, itertools.repeat("</row>"))))


def _encoder(kind: SheetKind, bold: bool, careful: bool) -> _Encode:
    styles = BOLD_STYLE if bold else STYLE
    empty = f' s="{BOLD_STYLE["text"]}"/>' if bold else ""
    if kind == "value":
        return lambda column: _value_cells(column, styles["text"], empty, styles["int"])
    style = styles[kind]
    if kind == "text":
        encode = _careful_text_cells if careful else _text_cells
        return lambda column: encode(column, style, empty)
    if kind == "date":
        return _DateCells(style, empty).encode
    if kind == "amount":
        return lambda column: _amount_cells(column, style, empty)
    return lambda column: [
        f' s="{style}"><v>{value}</v></c>' if value is not None else empty for value in column
    ]


def _text_cells(column: Sequence[Cell], style: int, empty: str) -> list[str]:
    """A chunk's text cells. Usually the column is escaped at once, as one string.

    When no text in the chunk holds a NUL, starts like a formula or has whitespace at either
    end, the texts are joined with NUL, escaped in one pass and split again; otherwise each
    text goes through `_inline`. (Other characters XML cannot carry are caught in the chunk's
    bytes: `_rows_xml` then encodes the chunk again with `careful` encoders.)
    """
    attributes = (f' s="{style}"' if style else "") + ' t="inlineStr">'
    texts: Sequence[str] = cast(Sequence[str], column)
    try:
        joined = "\x00".join(texts)
    except TypeError:  # a None among them
        texts = tuple(text or "" for text in texts)
        joined = "\x00".join(texts)
    plain = (
        joined.count("\x00") == len(texts) - 1
        and len("\x00".join(map(str.strip, texts))) == len(joined)
        and not joined.startswith(_FORMULA_STARTS)
        and _FORMULA_START.search(joined) is None
    )
    if not plain:
        return _careful_text_cells(column, style, empty)
    for character, reference in _ESCAPES:
        if character in joined:
            joined = joined.replace(character, reference)
    if "_x" in joined:
        joined = _LOOKS_ESCAPED.sub("_x005F_", joined)
    prefix = attributes + "<is><t>"
    return [prefix + text + "</t></is></c>" if text else empty for text in joined.split("\x00")]


def _careful_text_cells(column: Sequence[Cell], style: int, empty: str) -> list[str]:
    attributes = (f' s="{style}"' if style else "") + ' t="inlineStr">'
    return [attributes + _inline(text) if isinstance(text, str) and text else empty for text in column]


def _value_cells(column: Sequence[Cell], style: int, empty: str, int_style: int) -> list[str]:
    """Provenance values: an int is a number (`0` format), a text is text."""
    text = f' s="{style}" t="inlineStr">' if style else ' t="inlineStr">'
    return [
        f' s="{int_style}"><v>{value}</v></c>'
        if isinstance(value, int)
        else text + _inline(str(value))
        if value
        else empty
        for value in column
    ]


class _DateCells(dict[Cell, str]):
    def __init__(self, style: int, empty: str) -> None:
        super().__init__({None: empty})
        self._style = style

    def encode(self, column: Sequence[Cell]) -> list[str]:
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


def _amount_cells(column: Sequence[Cell], style: int, empty: str) -> list[str]:
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
    for character, reference in _ESCAPES:
        if character in text:
            text = text.replace(character, reference)
    if "_x" in text:
        text = _LOOKS_ESCAPED.sub("_x005F_", text)
    return f"<is><t{space}>{text}</t></is></c>"

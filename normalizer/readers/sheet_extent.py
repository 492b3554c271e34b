"""How far the cells of one worksheet's XML reach, scanned piece by piece without parsing.

A cell's position comes from its `r` reference ("C7"); a cell without one follows the previous
cell of its row, and a row without one follows the previous row. When every cell has a
reference the extent is exact (style-only cells included, so it may be slightly larger than
what the parser keeps); otherwise it is an upper bound. Only the `<sheetData>` element is
scanned, and pieces must not split a tag (see `xlsx_package._aligned`).
"""

from __future__ import annotations

import re
from functools import lru_cache

_ATTRIBUTES = rb"""(?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*?"""
_CELL = rb"""c""" + _ATTRIBUTES + rb"""\s+r\s*=\s*["']([A-Za-z]*)(\d*)"""
_ROW = rb"""row""" + _ATTRIBUTES + rb"""\s+r\s*=\s*["'](\d*)"""
#: A cell's or row's start tag with its reference; the tag must start the match, so text cannot
#: fake one. Tags with a namespace prefix ("<x:c") are rare: searched only where ":c" occurs.
_CELL_REF = re.compile(rb"<" + _CELL)
_ROW_REF = re.compile(rb"<" + _ROW)
_PREFIXED_CELL_REF = re.compile(rb"<[\w.-]+:" + _CELL)
_PREFIXED_ROW_REF = re.compile(rb"<[\w.-]+:" + _ROW)
_ROW_TAG = re.compile(rb"<(?:[\w.-]+:)?row[\s>/]")
_DIMENSION = re.compile(rb"""<(?:[\w.-]+:)?dimension\s[^>]*?\bref\s*=\s*["']([^"']*)""")
_DIMENSION_END = re.compile(r"([A-Za-z]*)(\d*)$")
#: Comments and CDATA sections ("<!"), whose content the scan cannot tell from tags: the
#: bounds become very cautious.
_OPAQUE = b"<!"
_HUGE = 10**12  # any reference past this is refused whatever the limits
_MAX_DIGITS = 12


class SheetExtent:
    """Accumulates the reach of one part's cells; `bounds()` gives (rows, columns)."""

    def __init__(self) -> None:
        self._stage = 0  # 0 before <sheetData>, 1 inside, 2 after
        self.declared_rows = 0
        self.declared_columns = 0
        self._max_number = 0  # largest row number of any reference
        self._min_row = _HUGE  # smallest row number of a row reference
        self._max_column = 0
        # Tags are over-counted ("<c" and ":c" anywhere), references under-counted (prefixed
        # or odd tags are missed): "every cell has a reference" is never wrongly concluded.
        self._cell_tags = 0
        self._cell_refs = 0
        self._row_tags = 0
        self._row_refs = 0
        self._widest = 0  # most cells in one row, counted where some cells lack references
        self._open_row = 0  # cells of the row still open at the end of the last piece
        self._opaque = False

    def feed(self, piece: bytes) -> None:
        if self._stage == 0:
            start = piece.find(b"sheetData")
            self._declared(piece if start < 0 else piece[:start])
            if start < 0:
                return
            self._stage, piece = 1, piece[start + 9 :]
        if self._stage == 1:
            end = piece.find(b"sheetData")
            if end >= 0:
                self._stage, piece = 2, piece[:end]
            self._count(piece)

    @property
    def first_row(self) -> int:
        """The first row the used range can start at: the smallest row reference when every row
        has one (the parser's range starts at the first cell, not at A1), else 1."""
        if self._opaque or self._row_refs < self._row_tags or self._min_row == _HUGE:
            return 1
        return max(1, self._min_row)

    @property
    def cell_tags(self) -> int:
        """How many cell tags the part has (over-counted: never fewer than its cells)."""
        return self._cell_tags

    def bounds(self) -> tuple[int, int]:
        """(rows, columns) that the parser's used range can reach, at most."""
        if self._opaque:
            return self._max_number + self._row_tags, self._max_column + self._cell_tags
        if self._cell_refs >= self._cell_tags:
            return self._max_number, self._max_column
        rows = self._max_number + max(0, self._row_tags - self._row_refs)
        return rows, self._max_column + self._widest

    def _declared(self, piece: bytes) -> None:
        found = _DIMENSION.search(piece)
        if found is None:
            return
        end = _DIMENSION_END.search(found.group(1).decode("latin-1"))
        if end is not None:
            self.declared_rows = _number(end.group(2).encode())
            self.declared_columns = column_number(end.group(1))

    def _count(self, piece: bytes) -> None:
        colon = b":" in piece  # most pieces have none: skip two scans
        prefixed_cells = piece.count(b":c") if colon else 0
        prefixed_rows = piece.count(b":row") if colon else 0
        cell_tags = piece.count(b"<c") + prefixed_cells
        self._cell_tags += cell_tags
        self._row_tags += (rows := piece.count(b"<row") + prefixed_rows)
        row_refs = _ROW_REF.findall(piece)
        if prefixed_rows:
            row_refs += _PREFIXED_ROW_REF.findall(piece)
        if row_refs:
            self._max_number = max(self._max_number, _largest(row_refs))
            self._min_row = min(self._min_row, *map(_number, row_refs))
            self._row_refs += len(row_refs)
        self._opaque = self._opaque or _OPAQUE in piece
        if not prefixed_cells and not self._opaque and self._within(piece, cell_tags):
            self._cell_refs += cell_tags  # every cell has a plain reference inside the bounds
            if rows:
                self._open_row = 0
            return
        refs = _CELL_REF.findall(piece)
        if prefixed_cells:
            refs += _PREFIXED_CELL_REF.findall(piece)
        if refs:
            letters, digits = zip(*refs, strict=True)
            self._max_number = max(self._max_number, _largest(digits))
            self._max_column = max(self._max_column, *map(column_number, set(letters)))
            self._cell_refs += len(refs)
        if cell_tags > len(refs):
            self._widen(piece)
        elif rows:
            self._open_row = 0

    def _within(self, piece: bytes, cell_tags: int) -> bool:
        """True when every cell tag is `<c r="A1"`-shaped and reaches no further than the
        bounds found so far: the full scan would then count them all and move no bound.

        Saves finding every reference (most of the time spent on a large sheet). Any other
        piece, or one with a cell past the bounds, takes the full scan.
        """
        if not cell_tags or self._max_number < 1 or self._max_column < 1:
            return False
        if piece.count(b'<c r="') != cell_tags:
            return False
        return _beyond(self._max_number, self._max_column).search(piece) is None

    def _widen(self, piece: bytes) -> None:
        counts = [segment.count(b"<c") + segment.count(b":c") for segment in _ROW_TAG.split(piece)]
        counts[0] += self._open_row
        self._widest = max(self._widest, *counts)
        self._open_row = counts[-1]


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _greater(value: str, alphabet: str, longest: int) -> str:
    """A pattern for the strings over `alphabet`, at most `longest` long, that stand for a
    larger number than `value` (a longer string, or a same-length one that sorts after it)."""
    char = f"[{alphabet[0]}-{alphabet[-1]}]"
    parts = [f"{char}{{{len(value) + 1},{longest}}}"] if len(value) < longest else []
    for at, digit in enumerate(value):
        position = alphabet.index(digit)
        if position + 1 < len(alphabet):
            rest = len(value) - at - 1
            parts.append(f"{value[:at]}[{alphabet[position + 1]}-{alphabet[-1]}]{char}{{{rest}}}")
    return "|".join(parts) or "(?!)"


@lru_cache(maxsize=64)
def _beyond(rows: int, columns: int) -> re.Pattern[bytes]:
    """A plain cell reference (`<c r="AB12"`) past row `rows` or column `columns`, or a cell
    tag starting `<c r="` whose reference is not plain (lower case, no row, too long)."""
    letters = ""
    number = columns
    while number:
        number, digit = divmod(number - 1, 26)
        letters = _LETTERS[digit] + letters
    far_column = _greater(letters, _LETTERS, 3)
    far_row = _greater(str(rows), "0123456789", 7)
    pattern = f'<c r="(?:(?![A-Z]{{1,3}}[0-9]{{1,7}}")|(?:{far_column})[0-9]|[A-Z]{{1,3}}(?:{far_row})")'
    return re.compile(pattern.encode())


def column_number(letters: bytes | str) -> int:
    """1-based column of reference letters ("A" -> 1, "XFD" -> 16384); 0 for none."""
    text = letters.decode("latin-1") if isinstance(letters, bytes) else letters
    if len(text) > 6:
        return _HUGE
    number = 0
    for char in text.upper():
        number = number * 26 + ord(char) - 64
    return number


def _number(digits: bytes) -> int:
    return int(digits) if 0 < len(digits) <= _MAX_DIGITS else (_HUGE if digits else 0)


def _largest(digits: tuple[bytes, ...] | list[bytes]) -> int:
    """The largest of row numbers given as digit strings (an empty one counts as 0)."""
    if max(map(len, digits)) > _MAX_DIGITS:
        return _HUGE
    if b"" in digits:
        return max(map(_number, digits))
    return max(map(int, digits))

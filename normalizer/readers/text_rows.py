"""`TextRows`: the records of a delimited text as a sequence that is parsed again on demand.

A delimited file of millions of lines held as `Row`s costs about 700 bytes a line (a tuple,
its cell strings, the row), ten times the text itself. `TextRows` keeps the decoded text and,
for every `CHUNK` records, where that run of records starts (character offset and physical
line): 16 bytes per chunk. Reading a row parses its chunk again with the same `csv` dialect,
which gives exactly the rows one parse of the whole text gives, because every chunk starts at
a record boundary. The last chunk read is kept, so sequential and nearby access parse each
chunk once. Slicing gives a view over the same text; nothing is copied.

The first parse (in `read_rows`) runs over the whole text once, to find the chunk starts and
to refuse the file there and then if any record cannot be read or has too many columns.
"""

from __future__ import annotations

import csv
import re
from array import array
from collections.abc import Iterator
from typing import Any

from normalizer.errors import UnreadableFileError
from normalizer.readers.limits import Limits, check_columns
from normalizer.readers.model import Row, new_row
from normalizer.sequences import LazySequence

#: Records per chunk: small enough that reading one row parses little, large enough that the
#: offsets stay a few bytes per thousand rows.
CHUNK = 1024
#: One physical line with its break, as `io.StringIO(text, newline="")` splits them (CR LF, CR
#: or LF), or a last line without one. Found in place: a StringIO would copy the whole text at
#: four bytes a character.
_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")


class _Text:
    """The text and its chunk starts, shared by every view; remembers the last chunk parsed."""

    __slots__ = ("chunk_rows", "count", "delimiter", "lines", "offsets", "recent", "text")

    def __init__(
        self,
        *,
        text: str,
        delimiter: str,
        offsets: array[int],
        lines: array[int],
        count: int,
        chunk_rows: int,
    ) -> None:
        self.text = text
        self.chunk_rows = chunk_rows
        self.delimiter = delimiter
        self.offsets = offsets  # offsets[k]: where chunk k starts; one more entry: the text's end
        self.lines = lines  # lines[k]: the physical line chunk k's first record starts on
        self.count = count
        self.recent: tuple[int, tuple[Row, ...]] = (-1, ())

    def chunk(self, index: int) -> tuple[Row, ...]:
        if self.recent[0] == index:
            return self.recent[1]
        part = self.text[self.offsets[index] : self.offsets[index + 1]]
        reader = csv.reader((m.group() for m in _LINE.finditer(part)), delimiter=self.delimiter)
        first = self.lines[index]
        rows = []
        start = first
        for fields in reader:
            rows.append(new_row(start, tuple(fields)))
            start = first + reader.line_num
        parsed = tuple(rows)
        self.recent = (index, parsed)
        return parsed


class TextRows(LazySequence[Row]):
    """Rows [start, stop) of a delimited text, parsed on demand (see the module docstring)."""

    __slots__ = ("_start", "_stop", "_text")
    item_name = "row"

    def __init__(self, text: _Text, start: int, stop: int) -> None:
        self._text = text
        self._start = start
        self._stop = stop

    def __len__(self) -> int:
        return self._stop - self._start

    def _item(self, position: int) -> Row:
        absolute = self._start + position
        size = self._text.chunk_rows
        return self._text.chunk(absolute // size)[absolute % size]

    def _span(self, start: int, stop: int) -> TextRows:
        return TextRows(self._text, self._start + start, self._start + stop)

    def __iter__(self) -> Iterator[Row]:
        start, stop, size = self._start, self._stop, self._text.chunk_rows
        for index in range(start // size, (stop + size - 1) // size):
            base = index * size
            rows = self._text.chunk(index)
            yield from rows[max(start - base, 0) : stop - base]

    def __repr__(self) -> str:
        return f"TextRows({len(self)} rows)"

    def __reduce__(self) -> tuple[Any, ...]:
        return (TextRows, (self._text, self._start, self._stop))


def read_rows(text: str, delimiter: str, limits: Limits, *, chunk: int = CHUNK) -> TextRows:
    """Every record of `text`, each `Row.number` the physical line where the record starts.

    `chunk` records are parsed together when one of them is read (tests make it small).

    Raises `UnreadableFileError` for a record the `csv` module cannot read or one with more
    columns than `limits` allow, naming its line.
    """
    consumed = 0

    def lines() -> Iterator[str]:
        nonlocal consumed
        for match in _LINE.finditer(text):
            consumed = match.end()
            yield match.group()

    reader = csv.reader(lines(), delimiter=delimiter)
    offsets, starts = array("q", [0]), array("q", [1])
    max_columns = limits.max_columns
    count, start = 0, 1
    try:
        for fields in reader:
            if len(fields) > max_columns:
                check_columns(len(fields), limits, where=f"line {start:,}")
            count += 1
            start = reader.line_num + 1
            if count % chunk == 0:
                offsets.append(consumed)
                starts.append(start)
    except csv.Error as exc:
        raise UnreadableFileError(_csv_problem(exc, start)) from exc
    if count % chunk:
        offsets.append(len(text))
    else:
        offsets[-1] = len(text)  # the last full chunk ends where the text does
        starts.pop()
    shared = _Text(
        text=text, delimiter=delimiter, offsets=offsets, lines=starts, count=count, chunk_rows=chunk
    )
    return TextRows(shared, 0, count)


def _csv_problem(exc: csv.Error, line: int) -> str:
    if "field larger than field limit" in str(exc):
        return (
            f"the record starting on line {line:,} has a cell longer than {csv.field_size_limit():,}"
            " characters; a quote is probably never closed"
        )
    return f"the record starting on line {line:,} cannot be read as delimited text ({exc})"

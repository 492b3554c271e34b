"""Fixed-width text, read only with a declared `FixedWidthLayout`.

Each line is cut into the fields of its record type (the type code sits at fixed columns).
Cells are the raw slices, padding included, like delimited cells; a line shorter than a field
gives what is there ("" past the end). A line whose type has no layout is kept as one cell
holding the whole line, with `kind` set, so nothing is lost. An empty line is a row without
cells.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from normalizer.readers.model import FixedWidthField, FixedWidthLayout, Row, Sheet
from normalizer.readers.separated_records import read_separated_records


def read_fixed_width(text: str, layout: FixedWidthLayout) -> Sheet:
    """The lines of `text` as rows of cells cut by `layout`; `kind` is the record type code.

    The caller has already bounded the number and length of lines (`lines.check_text_shape`).
    A layout with a `separator` describes separated records (`separated_records`).
    """
    if layout.separator is not None:
        return read_separated_records(text, layout)
    slices = {
        kind: tuple(slice(f.start - 1, f.end) for f in fields) for kind, fields in layout.records.items()
    }
    type_slice = None if layout.type_start is None else slice(layout.type_start - 1, layout.type_end)
    rows: list[Row] = []
    for number, line in enumerate(_lines(text, layout.record_length), start=1):
        if not line:
            rows.append(Row(number=number, cells=()))
            continue
        kind = _kind(line, type_slice, slices)
        cuts = slices.get(kind)
        cells = (line,) if cuts is None else tuple(line[s] for s in cuts)
        rows.append(Row(number=number, cells=cells, kind=kind))
    return Sheet(name=None, rows=tuple(rows), headers_by_kind=headers_by_kind(layout))


def _lines(text: str, record_length: int | None) -> Iterator[str]:
    """The lines of `text`; a line of several whole records (no line breaks) is cut into them."""
    for raw in io.StringIO(text, newline=""):
        line = raw.rstrip("\r\n")
        size = len(line)
        if record_length and size > record_length and size % record_length == 0:
            yield from (line[i : i + record_length] for i in range(0, size, record_length))
        else:
            yield line


def headers_by_kind(layout: FixedWidthLayout) -> dict[str, tuple[str, ...]]:
    """The field names of each record type, in cell order."""
    return {kind: _names(fields) for kind, fields in layout.records.items()}


def _names(fields: tuple[FixedWidthField, ...]) -> tuple[str, ...]:
    return tuple(f.name for f in fields)


def _kind(line: str, type_slice: slice | None, slices: dict[str, tuple[slice, ...]]) -> str:
    """The line's type code as a key of the layout when it matches one (exactly or trimmed)."""
    if type_slice is None:
        return ""
    code = line[type_slice]
    if code in slices:
        return code
    # A standard may use one character for some types and two for others (CODA: `1`, `21`,
    # `8`): the longest declared type the code starts with.
    for end in range(len(code) - 1, 0, -1):
        if code[:end] in slices:
            return code[:end]
    return code.strip()

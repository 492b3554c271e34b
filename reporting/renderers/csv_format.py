"""CSV: UTF-8, RFC 4180 (`\\r\\n`, minimal quoting), sections one after another.

The main section starts at the first line with its header. Every further section, and the
provenance last, follows an empty line and a line holding only its title.

Written a block of rows at a time, column by column (each column's cells to text by its
kind, as `cells.cell_text` would one by one), so a large section streams into the output.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Protocol, cast

from reporting.renderers.cells import amount_text, cell_text, neutralize
from reporting.table import Cell, ColumnKind, Row, Table, column_slices

_BLOCK_ROWS = 4096


class ByteSink(Protocol):
    def write(self, data: bytes, /) -> object: ...


def render_csv(table: Table) -> bytes:
    buffer = io.BytesIO()
    write_csv(table, buffer)
    return buffer.getvalue()


def write_csv(table: Table, out: ByteSink) -> None:
    """Write the table's CSV into `out`, a block of rows at a time (the bytes of `render_csv`)."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)

    def flush() -> None:
        out.write(text.getvalue().encode("utf-8"))
        text.seek(0)
        text.truncate()

    for index, section in enumerate(table.sections):
        if index:
            writer.writerow([])
            writer.writerow([neutralize(section.title)])
        writer.writerow([neutralize(name) for name in section.column_names])
        kinds = [column.kind for column in section.columns]
        for rows in (section.rows, section.totals):
            for start in range(0, len(rows), _BLOCK_ROWS):
                _write_block(writer.writerows, kinds, rows, start)
                flush()
    writer.writerow([])
    writer.writerow(["provenance"])
    writer.writerow(["key", "value"])
    for key, value in table.provenance.items():
        writer.writerow([neutralize(key), cell_text(value)])
    flush()


def _write_block(
    writerows: Callable[[zip[tuple[str, ...]]], object],
    kinds: Sequence[ColumnKind],
    rows: Sequence[Row],
    start: int,
) -> None:
    columns = column_slices(rows, start, start + _BLOCK_ROWS, len(kinds))
    writerows(zip(*(_TEXTS[kind](column) for kind, column in zip(kinds, columns, strict=True)), strict=True))


def _texts(column: Sequence[Cell]) -> list[str]:
    texts = [cast(str, value) if value is not None else "" for value in column]
    if _FORMULA_START.search("\x00".join(texts)) is None:  # nothing to neutralise (the usual case)
        return texts
    return list(map(neutralize, texts))


def _amounts(column: Sequence[Cell]) -> list[str]:
    """Each amount's canonical text: its own `str` when that is canonical already (the usual
    case, checked for the whole block at once), else `amount_text`'s."""
    texts = [str(value) if value is not None else "" for value in column]
    joined = "\n".join(texts) + "\n"
    if _CANONICAL.fullmatch(joined) is not None and _NEGATIVE_ZERO.search(joined) is None:
        return texts
    return [amount_text(cast(Decimal, value)) if value is not None else "" for value in column]


#: Where a text starts (the block's texts joined with NUL) with what `neutralize` prefixes.
#: A NUL inside a text can only add matches, which fall back to `neutralize` on each text.
_FORMULA_START = re.compile(r"(?:^|\x00)[=+\-@\t\r]")
#: Lines that are empty (no amount) or a `str(Decimal)` already in canonical form: plain
#: notation, two decimals, or more with a last one not zero (see `canonical_amount`)...
_CANONICAL = re.compile(r"(?:(?:-?\d+\.\d\d(?:\d*[1-9])?)?\n)*")
#: ... and not a negative zero, whose canonical text is `0.00`.
_NEGATIVE_ZERO = re.compile(r"(?:^|\n)-0\.0+\n")


def _dates(column: Sequence[Cell]) -> list[str]:
    return [value.isoformat() if value is not None else "" for value in column]  # type: ignore[union-attr]


def _ints(column: Sequence[Cell]) -> list[str]:
    return [str(value) if value is not None else "" for value in column]


#: Each kind's cells as `cell_text` writes them (a section's cells are of their column's kind).
_TEXTS: dict[ColumnKind, Callable[[Sequence[Cell]], list[str]]] = {
    "text": _texts,
    "amount": _amounts,
    "date": _dates,
    "int": _ints,
}

"""How much a reader accepts before it refuses a file, and the checks that enforce it.

Every check raises `UnreadableFileError` with a message that states the figure found and the
limit, so a user can tell a damaged or hostile file from one that is merely very large.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from normalizer.errors import UnreadableFileError


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    """Upper bounds on what one file may make a reader do.

    `max_cells` bounds the rows x columns of all sheets of a workbook together (what the Excel
    parser allocates); `max_line_chars` bounds one physical line of a text file and
    `max_cell_chars` one cell of a workbook (Excel's own limit is 32,767 characters).
    Workbook parsers run in a child process with `reader_memory_mib` of address space and
    `reader_seconds` of wall-clock time (see `normalizer.readers.child`).
    """

    max_bytes: int = 1 << 30
    max_rows: int = 5_000_000
    max_columns: int = 1_000
    max_decompressed_bytes: int = 2 << 30
    max_compression_ratio: int = 200
    max_cells: int = 30_000_000
    max_line_chars: int = 1 << 20
    max_cell_chars: int = 32_767
    reader_memory_mib: int = 2_048
    reader_seconds: int = 180

    def __post_init__(self) -> None:
        for spec in fields(self):
            name, value = spec.name, getattr(self, spec.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"Limits.{name} must be a positive integer, not {value!r}")


def check_bytes(size: int, limits: Limits) -> None:
    if size > limits.max_bytes:
        raise UnreadableFileError(f"the file is {size:,} bytes, over the limit of {limits.max_bytes:,}")


def check_rows(rows: int, limits: Limits, *, what: str = "the file has") -> None:
    if rows > limits.max_rows:
        raise UnreadableFileError(f"{what} {rows:,} rows, over the limit of {limits.max_rows:,}")


def check_columns(columns: int, limits: Limits, *, where: str = "a row") -> None:
    if columns > limits.max_columns:
        raise UnreadableFileError(
            f"{where} has {columns:,} columns, over the limit of {limits.max_columns:,}"
        )


def check_cells(cells: int, limits: Limits) -> None:
    if cells > limits.max_cells:
        raise UnreadableFileError(
            f"the workbook spans {cells:,} cells (rows x columns), over the limit of {limits.max_cells:,}"
        )


def check_cell_chars(chars: int, limits: Limits, *, where: str) -> None:
    if chars > limits.max_cell_chars:
        raise UnreadableFileError(
            f"a cell of {where} holds {chars:,} characters, over the limit of {limits.max_cell_chars:,}"
            " (Excel's own limit is 32,767)"
        )


def check_decompressed(size: int, limits: Limits) -> None:
    if size > limits.max_decompressed_bytes:
        raise UnreadableFileError(
            f"the workbook unpacks to {size:,} bytes, over the limit of {limits.max_decompressed_bytes:,}"
            " (it may be a zip bomb)"
        )


def check_ratio(part: str, size: int, compressed: int, limits: Limits) -> None:
    ratio = size / max(compressed, 1)
    if ratio > limits.max_compression_ratio:
        raise UnreadableFileError(
            f"the workbook part {part} is compressed {ratio:,.0f}:1, over the limit of"
            f" {limits.max_compression_ratio:,}:1 (it may be a zip bomb)"
        )


def check_line(length: int, line: int, limits: Limits) -> None:
    if length > limits.max_line_chars:
        raise UnreadableFileError(
            f"line {line:,} is longer than the limit of {limits.max_line_chars:,} characters"
            " (is this really a text export?)"
        )

"""`read_workbook`: bytes in, a `Workbook` out, whatever the container.

The container comes from the bytes (never the file name). Every whole-file failure leaves as
`UnreadableFileError`; a parser's own exception is translated here, at this one boundary.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from normalizer.errors import NormalizerError, UnreadableFileError
from normalizer.readers.failures import as_unreadable, is_parser_panic
from normalizer.readers.limits import check_bytes
from normalizer.readers.model import ReadOptions, Sheet, Workbook
from normalizer.readers.sniff import sniff_container
from normalizer.readers.text import read_text
from normalizer.readers.xls import read_xls
from normalizer.readers.xlsx import read_xlsx

_DEFAULT_OPTIONS = ReadOptions()


def read_workbook(
    data: bytes, *, name: str | None = None, options: ReadOptions = _DEFAULT_OPTIONS
) -> Workbook:
    """Read one ledger export into sheets of rows of cells.

    `name` (the file name) only labels error messages. Options given (encoding, delimiter,
    sheet, fixed-width layout) win over detection; `options.limits` bounds time and memory.
    Raises `UnreadableFileError` when the file cannot be read as a whole.
    """
    try:
        check_bytes(len(data), options.limits)
        if not data:
            raise UnreadableFileError("the file is empty (0 bytes); export the ledger again")
        container = sniff_container(data)
        with _collector_paused():
            workbook = _read(container, data, options)
    except NormalizerError as exc:
        if exc.source is None and name is not None:
            kind = type(exc) if isinstance(exc, UnreadableFileError) else UnreadableFileError
            raise kind(exc.message, source=name) from exc
        raise
    except Exception as exc:
        raise as_unreadable(exc, _kind(data), name=name) from exc
    except BaseException as exc:
        if is_parser_panic(exc):
            raise as_unreadable(exc, _kind(data), name=name) from exc
        raise
    _require_data(workbook.sheets, workbook.container, name)
    return workbook


def _read(container: str, data: bytes, options: ReadOptions) -> Workbook:
    if container == "text":
        return read_text(data, options)
    if options.fixed_width is not None:
        raise UnreadableFileError(
            "the options describe a fixed-width text file, but this file is an Excel workbook"
        )
    if container == "zip":
        return read_xlsx(data, options)
    return read_xls(data, options)


def _kind(data: bytes) -> str:
    container = sniff_container(data)
    return {"zip": "xlsx", "ole2": "xls"}.get(container, "text")  # an .ods reads as a zip workbook


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of rows are built.

    The rows hold no cycles, but each allocation counts towards the collector's thresholds:
    it would rescan the growing list over and over (about a third of the reading time of a
    large CSV). Reference counting still frees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _require_data(sheets: tuple[Sheet, ...], container: str, name: str | None) -> None:
    for sheet in sheets:
        for row in sheet.rows:
            if any(not isinstance(cell, str) or cell.strip() for cell in row.cells):
                return
    if container in ("delimited", "fixed-width"):
        message = "the file contains no data: every line is blank"
    else:
        message = "the workbook contains no data: its sheets are empty"
    raise UnreadableFileError(message, source=name)

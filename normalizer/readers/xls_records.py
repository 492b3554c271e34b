"""Inspect a legacy .xls workbook's records before the Excel parser sees them.

A BIFF cell record names its own row and column (16 bits each); the parser (calamine)
allocates every sheet's rows x columns in one block, so a single cell at column 65,535 and row
65,535 would make it abort the process. Here we take the workbook stream out of the OLE2
container and walk its records (4-byte headers; no decoding of cell contents) to find each
sheet's extent and refuse encrypted workbooks.
"""

from __future__ import annotations

import io
import struct

from xlrd import compdoc

from normalizer.errors import UnreadableFileError
from normalizer.readers.limits import Limits, check_cells, check_columns, check_rows
from normalizer.readers.ole_chains import check_chains

# Cell records: BLANK, NUMBER, LABEL, BOOLERR, FORMULA, RK, LABELSST, RSTRING (all BIFF
# versions); each starts with row and column. MULRK / MULBLANK give a column range.
_CELLS = frozenset(
    {0x0001, 0x0002, 0x0003, 0x0004, 0x0005, 0x0006, 0x00D6, 0x00FD}
    | {0x0201, 0x0203, 0x0204, 0x0205, 0x0206, 0x027E, 0x0406}
)
_MULTI = frozenset({0x00BD, 0x00BE})
_BOF = frozenset({0x0009, 0x0209, 0x0409, 0x0809})
_FILEPASS = 0x002F
_PROTECTED = "the workbook is password-protected; remove the password in Excel and export it again"
_PAIR = struct.Struct("<HH")
_WORD = struct.Struct("<H")


def workbook_stream(data: bytes) -> bytes:
    """The BIFF record stream of an OLE2 file, or a clear refusal when it is not a workbook."""
    check_chains(data)
    try:
        document = compdoc.CompDoc(data, logfile=io.StringIO())
        streams = {name: document.get_named_stream(name) for name in ("Workbook", "Book", "EncryptedPackage")}
    except (compdoc.CompDocError, IndexError, ValueError, struct.error) as exc:
        raise UnreadableFileError(
            "the Excel 97-2003 workbook (.xls) is damaged or incomplete; export it again"
        ) from exc
    stream = streams["Workbook"] or streams["Book"]
    if stream is not None:
        return bytes(stream)
    if streams["EncryptedPackage"] is not None:
        raise UnreadableFileError(_PROTECTED)
    raise UnreadableFileError("the file is a Microsoft Office document, but not an Excel workbook")


def check_records(stream: bytes, limits: Limits) -> None:
    """Refuse an encrypted stream, or sheets whose cells reach past `limits`."""
    rows = columns = cells = 0
    at, end = 0, len(stream)
    while at + 4 <= end:
        kind, length = _PAIR.unpack_from(stream, at)
        body, at = at + 4, at + 4 + length
        if kind in _CELLS and length >= 4:
            row, column = _PAIR.unpack_from(stream, body)
            rows, columns = max(rows, row + 1), max(columns, column + 1)
        elif kind in _MULTI and length >= 6 and at <= end:
            row, _ = _PAIR.unpack_from(stream, body)
            (last,) = _WORD.unpack_from(stream, at - 2)
            rows, columns = max(rows, row + 1), max(columns, last + 1)
        elif kind in _BOF:
            cells += _sheet_cells(rows, columns, limits)
            rows = columns = 0
        elif kind == _FILEPASS:
            raise UnreadableFileError(_PROTECTED)
    check_cells(cells + _sheet_cells(rows, columns, limits), limits)


def _sheet_cells(rows: int, columns: int, limits: Limits) -> int:
    check_rows(rows, limits, what="a sheet has cells in")
    check_columns(columns, limits, where="a sheet")
    return rows * columns

"""Inspect an xlsx/xlsm package before the Excel parser sees it.

The parser (calamine) trusts the package: it inflates parts as far as their streams go and
allocates rows x columns of the used range in one block, so a zip bomb or two cells at A1 and
XFD1048576 would exhaust memory or abort the process. Here, with bounded memory, we check the
zip directory (part count, declared sizes, compression ratios), then inflate every part
ourselves, refusing one that grows past its declared size, and scan each worksheet's XML for
the rows and columns its cells reach.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator

from normalizer.errors import UnreadableFileError
from normalizer.readers.limits import (
    Limits,
    check_cells,
    check_columns,
    check_decompressed,
    check_ratio,
    check_rows,
)
from normalizer.readers.sheet_extent import SheetExtent
from normalizer.readers.text_reach import TextReach

_MAX_PARTS = 10_000
_MAX_DIRECTORY_BYTES = 16 << 20
_RATIO_FLOOR = 1 << 20  # parts smaller than this may be compressed at any ratio
_PIECE = 1 << 20
_EXCEL_COLUMNS = 16_384
_EXCEL_ROWS = 1_048_576
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
#: A sheet may span this many cells whatever its content (calamine allocates ~32 bytes each);
#: past it, the span must be at most `_SPARSE_FACTOR` times the cells really written.
_DENSE_FLOOR = 4_000_000
_SPARSE_FACTOR = 64
_DAMAGED = "the Excel workbook is damaged or incomplete ({}); export it again"
_EOCD = struct.Struct("<4s4H2LH")
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")


def check_package(data: bytes, limits: Limits) -> tuple[str, bool]:
    """Refuse a zip that is not a workbook or that would exceed `limits` once parsed; return
    its kind, "xlsx" (Office Open XML) or "ods" (OpenDocument), and whether a cell may hold
    more than `limits.max_cell_chars` characters (always True for ods: not scanned)."""
    _check_directory_size(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise UnreadableFileError(_DAMAGED.format("its zip directory is missing or corrupt")) from exc
    with archive:
        infos = archive.infolist()
        kind = _kind(archive, {info.filename for info in infos})
    _check_declared(infos, limits)
    cells = 0
    maybe_long = kind == "ods"
    for info in infos:
        if kind == "ods":
            for _ in _inflate(data, info):  # every part inflates within its declared size
                pass
            continue
        extent = SheetExtent()
        reach = TextReach(
            shared=info.filename.lower().endswith("sharedstrings.xml"), limit=limits.max_cell_chars
        )
        for piece in _aligned(_inflate(data, info)):
            extent.feed(piece)
            reach.feed(piece)
        if reach.too_long:
            raise UnreadableFileError(
                f"a shared string of the workbook holds over {limits.max_cell_chars:,} characters"
                f" ({reach.longest_text:,} bytes of text), over the cell limit (Excel's own is 32,767)"
            )
        maybe_long = maybe_long or reach.maybe_long
        cells += _check_extent(extent, info.filename, limits)
    check_cells(cells, limits)
    return kind, maybe_long


def _check_directory_size(data: bytes) -> None:
    """Refuse a zip whose central directory alone would take long to list (millions of parts)."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if at < 0 or at + _EOCD.size > len(data):
        return  # zipfile reports the damage
    _, _, _, _, entries, size, _, _ = _EOCD.unpack_from(data, at)
    if entries > _MAX_PARTS or (size != 0xFFFFFFFF and size > _MAX_DIRECTORY_BYTES):
        raise UnreadableFileError(f"the workbook has {entries:,} parts, more than any real workbook")


def _kind(archive: zipfile.ZipFile, names: set[str]) -> str:
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        if "xl/workbook.bin" in names:
            raise UnreadableFileError(
                "the file is an Excel binary workbook (.xlsb); open it in Excel and save it as .xlsx"
            )
        return "xlsx"
    if "mimetype" in names and archive.getinfo("mimetype").file_size < 200:
        mimetype = archive.read("mimetype").strip()
        if mimetype == _ODS_MIMETYPE:
            if "content.xml" not in names:
                raise UnreadableFileError(
                    "the OpenDocument spreadsheet (.ods) is damaged: it has no content; export it again"
                )
            return "ods"
        if b"spreadsheet" in mimetype:
            raise UnreadableFileError(
                "the file is an OpenDocument spreadsheet (.ods) template or variant we do not read;"
                " save it as .ods, .xlsx or CSV"
            )
        raise UnreadableFileError("the file is an OpenDocument document, not a spreadsheet")
    if any(n.startswith("word/") for n in names):
        raise UnreadableFileError("the file is a Word document, not a spreadsheet")
    raise UnreadableFileError(
        "the file is a zip archive, not an Excel workbook; unpack it and read the ledger file inside"
    )


def _check_declared(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    check_decompressed(sum(info.file_size for info in infos), limits)
    for info in infos:
        if info.flag_bits & 0x1:
            raise UnreadableFileError("the workbook is encrypted; remove its password and export it again")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UnreadableFileError(
                f"the workbook part {info.filename} uses an unsupported compression method;"
                " save the workbook again in Excel"
            )
        if info.file_size >= _RATIO_FLOOR:
            check_ratio(info.filename, info.file_size, info.compress_size, limits)


def _inflate(data: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's bytes in pieces; refuse it if it inflates past its declared size."""
    raw = _raw_part(data, info)
    if info.compress_type == zipfile.ZIP_STORED:
        if len(raw) != info.file_size:
            raise UnreadableFileError(_DAMAGED.format(f"part {info.filename} has the wrong size"))
        for at in range(0, len(raw), _PIECE):
            yield bytes(raw[at : at + _PIECE])
        return
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    produced = 0
    pending = bytes(raw)
    while not inflater.eof:
        try:
            piece = inflater.decompress(pending, _PIECE)
        except zlib.error as exc:
            raise UnreadableFileError(_DAMAGED.format(f"part {info.filename} is corrupt")) from exc
        if not piece and len(inflater.unconsumed_tail) == len(pending):
            break  # no progress: the stream ends before its end marker
        pending = inflater.unconsumed_tail
        produced += len(piece)
        if produced > info.file_size:
            raise UnreadableFileError(
                f"the workbook part {info.filename} unpacks to more than its declared"
                f" {info.file_size:,} bytes (it may be a zip bomb)"
            )
        yield piece
    if not inflater.eof:
        raise UnreadableFileError(_DAMAGED.format(f"part {info.filename} is cut short"))


def _raw_part(data: bytes, info: zipfile.ZipInfo) -> memoryview:
    at = info.header_offset
    if at + _LOCAL_HEADER.size > len(data):
        raise UnreadableFileError(_DAMAGED.format(f"part {info.filename} is missing"))
    fields = _LOCAL_HEADER.unpack_from(data, at)
    if fields[0] != b"PK\x03\x04":
        raise UnreadableFileError(_DAMAGED.format(f"part {info.filename} is missing"))
    start = at + _LOCAL_HEADER.size + fields[-2] + fields[-1]
    end = start + info.compress_size
    if end > len(data):
        raise UnreadableFileError(_DAMAGED.format(f"part {info.filename} is cut short"))
    return memoryview(data)[start:end]


def _aligned(pieces: Iterator[bytes]) -> Iterator[bytes]:
    """Re-cut pieces just after a '>' so that no tag or attribute is split between two pieces."""
    carry = b""
    for piece in pieces:
        buffer = carry + piece
        cut = buffer.rfind(b">") + 1
        if cut == 0 and len(buffer) > 4 * _PIECE:
            # Megabytes without a tag end: cut before the last tag start (text cannot hold a
            # "<"), or anywhere if there is none.
            cut = buffer.rfind(b"<")
            cut = cut if cut > 0 else len(buffer)
        carry = buffer[cut:]
        if cut:
            yield buffer[:cut]
    if carry:
        yield carry


def _check_extent(extent: SheetExtent, part: str, limits: Limits) -> int:
    """Check one part's reach against the limits; return the cells it spans."""
    check_rows(extent.declared_rows, limits, what="the workbook declares")
    if extent.declared_columns > _EXCEL_COLUMNS:
        raise UnreadableFileError(
            f"the workbook declares {extent.declared_columns:,} columns,"
            f" more than Excel allows ({_EXCEL_COLUMNS:,})"
        )
    rows, columns = extent.bounds()
    if extent.declared_rows > _EXCEL_ROWS:
        raise UnreadableFileError(
            f"the workbook declares {extent.declared_rows:,} rows, more than Excel allows ({_EXCEL_ROWS:,})"
        )
    if rows > _EXCEL_ROWS:
        raise UnreadableFileError(
            f"a sheet has cells in {rows:,} rows, more than Excel allows ({_EXCEL_ROWS:,});"
            " the file is damaged or was not written by a spreadsheet"
        )
    check_rows(rows, limits, what="a sheet has cells in")
    check_columns(columns, limits, where="a sheet")
    spanned = rows * columns
    used = (rows - extent.first_row + 1) * columns  # what the parser allocates (from column A)
    if used > _DENSE_FLOOR and used > _SPARSE_FACTOR * extent.cell_tags:
        raise UnreadableFileError(
            f"the workbook part {part} spans {used:,} cells (up to row {rows:,}, column {columns:,})"
            f" for about {extent.cell_tags:,} written cells; delete the stray far-away cells and"
            " export it again"
        )
    return spanned

"""The fixed parts of an XLSX package (SpreadsheetML in a zip), and the zip they go into.

Every part is a pure function of the sheet names and the report's name, and every zip entry
carries one fixed date and the same attributes, so the package's bytes never depend on when
or where it was made (for the same zlib). Worksheets are streamed into the zip by
`xlsx_sheet`; the parts here are small.
"""

from __future__ import annotations

import queue
import threading
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import IO
from xml.sax.saxutils import escape, quoteattr

#: What docProps/core.xml says for created/modified: fixed, so the bytes never depend on when.
FIXED_TIME = "2000-01-01T00:00:00Z"
#: The date of every zip entry (the zip format cannot say 1970; 1980-01-01 is its epoch).
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
#: Deflate level of every entry. Level 1 deflates sheet XML 3× faster than zlib's default 6
#: for files ~25% larger (bench/bench_xlsx.py): at 6, deflate was half of the render's time.
DEFLATE_LEVEL = 1
#: ZipFile.open(…, "w") takes the level only from the ZipInfo, under this name (Python 3.13
#: made `_compresslevel` public as `compress_level`).
_LEVEL_ATTRIBUTE = "compress_level" if hasattr(zipfile.ZipInfo, "compress_level") else "_compresslevel"
#: Chunks (~1 MB of XML each) waiting for the deflate thread; bounds the memory it may hold.
_PENDING_CHUNKS = 4
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

#: Cell style indices in styles.xml, by column kind; bold ones for header and totals rows.
STYLE: dict[str, int] = {"text": 0, "amount": 2, "date": 3, "int": 4}
BOLD_STYLE: dict[str, int] = {"text": 1, "amount": 5, "date": 6, "int": 7}

# numFmtId 4 is Excel's built-in `#,##0.00`, 1 is `0`; 164 is the first custom id.
_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="2">'
    '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    "</fonts>"
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="8">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="4" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/>'
    '<xf numFmtId="164" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/>'
    '<xf numFmtId="1" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '<dxfs count="0"/><tableStyles count="0"/>'
    "</styleSheet>"
)


def write_fixed_parts(archive: zipfile.ZipFile, sheet_names: Sequence[str], title: str) -> None:
    """Write every part but the worksheets: content types, relationships, workbook, styles, props."""
    count = len(sheet_names)
    put(archive, "[Content_Types].xml", _content_types(count))
    put(archive, "_rels/.rels", _package_rels())
    put(archive, "docProps/app.xml", _app())
    put(archive, "docProps/core.xml", _core(title))
    put(archive, "xl/workbook.xml", _workbook(sheet_names))
    put(archive, "xl/_rels/workbook.xml.rels", _workbook_rels(count))
    put(archive, "xl/styles.xml", _STYLES)


def sheet_part(index: int) -> str:
    """The zip entry name of the `index`-th worksheet (1-based)."""
    return f"xl/worksheets/sheet{index}.xml"


def entry(name: str) -> zipfile.ZipInfo:
    """A zip entry that is the same wherever and whenever it is made: date, system, mode."""
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    setattr(info, _LEVEL_ATTRIBUTE, DEFLATE_LEVEL)
    info.create_system = 3  # unix, whichever system wrote it
    info.external_attr = 0o644 << 16
    return info


def put(archive: zipfile.ZipFile, name: str, text: str) -> None:
    archive.writestr(entry(name), text.encode("utf-8"))


@contextmanager
def open_entry(archive: zipfile.ZipFile, name: str, *, large: bool) -> Iterator[_Writer]:
    """A stream into a new entry, deflated on a second thread while the caller writes on.

    zlib releases the GIL while it compresses, so the rows of the next chunk are encoded while
    the last one is compressed; the chunks go into the entry in the order they were written, so
    the bytes are the same as written from one thread. `large` entries (may pass 2 GiB) get
    zip64 sizes.
    """
    with archive.open(entry(name), "w", force_zip64=large) as target:
        writer = _Writer(target)
        try:
            yield writer
        finally:
            writer.close()


class _Writer:
    """Hands chunks to a thread that writes them to `target`; its error is raised here."""

    def __init__(self, target: IO[bytes]) -> None:
        self._target = target
        self._chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=_PENDING_CHUNKS)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="xlsx-deflate", daemon=True)
        self._thread.start()

    def write(self, chunk: bytes) -> None:
        if self._error is not None:
            raise self._error
        self._chunks.put(chunk)

    def close(self) -> None:
        self._chunks.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        while (chunk := self._chunks.get()) is not None:
            if self._error is None:
                try:
                    self._target.write(chunk)
                except BaseException as exc:  # handed to the writing thread, raised there
                    self._error = exc


def _content_types(sheets: int) -> str:
    overrides = "".join(
        f'<Override PartName="/{sheet_part(index)}" ContentType="{_TYPE}.worksheet+xml"/>'
        for index in range(1, sheets + 1)
    )
    return (
        f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
        f"{overrides}"
        f'<Override PartName="/xl/styles.xml" ContentType="{_TYPE}.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        "</Types>"
    )


def _package_rels() -> str:
    return (
        f'{_HEAD}<Relationships xmlns="{_PKG_RELS}">'
        f'<Relationship Id="rId1" Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/>'
        f'<Relationship Id="rId2" Type="{_PKG_RELS}/metadata/core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{_DOC_RELS}/extended-properties" Target="docProps/app.xml"/>'
        "</Relationships>"
    )


def _app() -> str:
    return (
        f"{_HEAD}<Properties "
        'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        "<Application>ledgerstore</Application></Properties>"
    )


def _core(title: str) -> str:
    return (
        f"{_HEAD}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:creator>ledgerstore</dc:creator><dc:title>{escape(title)}</dc:title>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{FIXED_TIME}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{FIXED_TIME}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def _workbook(sheet_names: Sequence[str]) -> str:
    sheets = "".join(
        f'<sheet name={quoteattr(name)} sheetId="{index}" r:id="rId{index}"/>'
        for index, name in enumerate(sheet_names, 1)
    )
    return (
        f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}">'
        '<bookViews><workbookView activeTab="0"/></bookViews>'
        f"<sheets>{sheets}</sheets></workbook>"
    )


def _workbook_rels(sheets: int) -> str:
    relations = "".join(
        f'<Relationship Id="rId{index}" Type="{_DOC_RELS}/worksheet" Target="worksheets/sheet{index}.xml"/>'
        for index in range(1, sheets + 1)
    )
    styles = f'<Relationship Id="rId{sheets + 1}" Type="{_DOC_RELS}/styles" Target="styles.xml"/>'
    return f'{_HEAD}<Relationships xmlns="{_PKG_RELS}">{relations}{styles}</Relationships>'

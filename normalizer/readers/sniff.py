"""What kind of container a file is, from its first bytes (never from its name).

An Office Open XML package (xlsx/xlsm) is a zip; a legacy workbook (xls) is an OLE2 compound
document; everything else is read as text. Formats we recognise but do not read are refused
here with a message saying what the file is and how to export it instead.
"""

from __future__ import annotations

from typing import Literal

from normalizer.errors import UnreadableFileError

Container = Literal["zip", "ole2", "text"]

_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_EXPORT_HINT = "export the ledger as CSV or Excel (.xlsx) instead"
_OLD_EXCEL = "the file is an Excel 2.x-4.x worksheet, too old to read; open it in Excel and save it as .xlsx"

#: Leading bytes of formats that are not ledger exports we can read.
_FOREIGN_MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "the file is a PDF document, not a spreadsheet or text export"),
    (b"\x1f\x8b", "the file is gzip-compressed; unpack it first"),
    (b"BZh", "the file is bzip2-compressed; unpack it first"),
    (b"\xfd7zXZ\x00", "the file is xz-compressed; unpack it first"),
    (b"7z\xbc\xaf\x27\x1c", "the file is a 7-Zip archive; unpack it first"),
    (b"Rar!\x1a\x07", "the file is a RAR archive; unpack it first"),
    (b"\x89PNG", "the file is an image (PNG), not a spreadsheet or text export"),
    (b"\xff\xd8\xff", "the file is an image (JPEG), not a spreadsheet or text export"),
    (b"\x09\x00\x04\x00", _OLD_EXCEL),
    (b"\x09\x02\x06\x00", _OLD_EXCEL),
    (b"\x09\x04\x06\x00", _OLD_EXCEL),
)


def sniff_container(data: bytes) -> Container:
    """Return the container of `data`: "zip", "ole2" or "text"; refuse known foreign formats."""
    if data.startswith(_ZIP_MAGICS):
        return "zip"
    if data.startswith(_OLE2_MAGIC):
        return "ole2"
    for magic, message in _FOREIGN_MAGICS:
        if data.startswith(magic):
            raise UnreadableFileError(message)
    return "text"


def refuse_markup(head: str) -> None:
    """Refuse a text file that is really a web page or an XML document.

    Banks often send an HTML table or an Excel 2003 XML file named `.xls`; read as delimited
    text it would yield nonsense rather than an error.
    """
    start = head.lstrip("\ufeff \t\r\n")[:4096].lower()
    if start.startswith(("<!doctype html", "<html", "<table", "<head", "<meta")):
        raise UnreadableFileError(
            "the file is a web page (HTML) saved under a spreadsheet name; open it in Excel and save"
            " it as .xlsx or CSV"
        )
    if start.startswith("<?xml"):
        if "urn:schemas-microsoft-com:office:spreadsheet" in start:
            raise UnreadableFileError(
                "the file is an Excel 2003 XML spreadsheet; open it in Excel and save it as .xlsx"
            )
        raise UnreadableFileError(
            f"the file is an XML document, not a spreadsheet or text export; {_EXPORT_HINT}"
        )


#: C0 controls other than tab, line feed, vertical tab, form feed and carriage return, DEL, and
#: the C1 controls (what Latin-1 makes of bytes 0x80-0x9F): rare in any text export.
_CONTROLS = {c: None for c in (*range(0x00, 0x09), *range(0x0E, 0x20), *range(0x7F, 0xA0))}
_BINARY_SHARE = 0.05
_BINARY_SAMPLE = 65536


def refuse_binary(text: str) -> None:
    """Refuse decoded text whose start is more than 5% control characters."""
    sample = text[:_BINARY_SAMPLE]
    controls = len(sample) - len(sample.translate(_CONTROLS))
    if controls > _BINARY_SHARE * len(sample):
        raise UnreadableFileError("the file is not a spreadsheet or text export: it looks like binary data")

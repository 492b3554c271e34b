"""XLSX: one sheet per section plus a `Provenance` sheet, byte-for-byte reproducible.

Amounts are numeric cells formatted `#,##0.00` (negative amounts too), dates are date cells,
ints are numbers; the header row is bold and frozen, totals rows are bold, and columns are
sized to their content. openpyxl stamps the current time into docProps/core.xml and every zip
entry; both are fixed here, so the same table always gives the same bytes (for the same
openpyxl and zlib).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.writer.excel import ExcelWriter  # type: ignore[import-untyped]

from reporting.provenance import ProvenanceValue
from reporting.renderers.cells import amount_text, neutralize
from reporting.table import Cell, ColumnKind, Section, Table

#: What docProps/core.xml says for created/modified: fixed, so the bytes never depend on when.
FIXED_TIME = dt.datetime(2000, 1, 1, 0, 0, 0)
#: The date of every zip entry (the zip format cannot say 1970; 1980-01-01 is its epoch).
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

AMOUNT_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
INT_FORMAT = "0"
_FORMATS: dict[ColumnKind, str | None] = {
    "amount": AMOUNT_FORMAT,
    "date": DATE_FORMAT,
    "int": INT_FORMAT,
    "text": None,
}
_MIN_WIDTH, _MAX_WIDTH = 8, 60
#: Characters XML 1.0 cannot carry (openpyxl refuses them); shown as U+FFFD instead.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def render_xlsx(table: Table) -> bytes:
    workbook = Workbook(write_only=True)
    workbook.properties.creator = "ledgerstore"
    workbook.properties.title = table.report
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    used: set[str] = set()
    for section in table.sections:
        _write_sheet(workbook, _sheet_name(section.title, used), section)
    _write_provenance(workbook, _sheet_name("Provenance", used), table.provenance.items())
    buffer = io.BytesIO()
    ExcelWriter(workbook, _FixedTimeZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    return buffer.getvalue()


def _write_sheet(workbook: Any, name: str, section: Section) -> None:
    sheet = _new_sheet(workbook, name, section.column_names, _widths(section))
    kinds = [column.kind for column in section.columns]
    bold = Font(bold=True)
    for row in section.rows:
        sheet.append([_cell(sheet, value, kind, None) for kind, value in zip(kinds, row, strict=True)])
    for row in section.totals:
        sheet.append([_cell(sheet, value, kind, bold) for kind, value in zip(kinds, row, strict=True)])


def _write_provenance(workbook: Any, name: str, items: list[tuple[str, ProvenanceValue]]) -> None:
    key_width = max(len(key) for key, _ in items)
    value_width = max(_display_length(value) for _, value in items)
    widths = [float(min(max(width + 2, _MIN_WIDTH), _MAX_WIDTH)) for width in (key_width, value_width)]
    sheet = _new_sheet(workbook, name, ("key", "value"), widths)
    for key, value in items:
        kind: ColumnKind = "int" if isinstance(value, int) else "text"
        sheet.append([_cell(sheet, key, "text", None), _cell(sheet, value, kind, None)])


def _new_sheet(workbook: Any, name: str, header: Sequence[str], widths: Sequence[float]) -> Any:
    sheet = workbook.create_sheet(name)
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_cell(sheet, title, "text", bold) for title in header])
    return sheet


def _cell(sheet: Any, value: Cell, kind: ColumnKind, font: Any) -> Any:
    if isinstance(value, str):
        value = neutralize(_ILLEGAL.sub("\ufffd", value))
    cell = WriteOnlyCell(sheet, value=value)
    number_format = _FORMATS[kind]
    if number_format is not None and value is not None:
        cell.number_format = number_format
    if font is not None:
        cell.font = font
    return cell


def _widths(section: Section) -> list[float]:
    widths = [len(name) for name in section.column_names]
    for row in (*section.rows, *section.totals):
        for index, value in enumerate(row):
            widths[index] = max(widths[index], _display_length(value))
    return [float(min(max(width + 2, _MIN_WIDTH), _MAX_WIDTH)) for width in widths]


def _display_length(value: Cell) -> int:
    if value is None:
        return 0
    if isinstance(value, Decimal):
        text = amount_text(value)
        whole = text.lstrip("-").split(".")[0]
        return len(text.split(".")[0]) + (len(whole) - 1) // 3 + 3  # thousands commas, 2 decimals
    if isinstance(value, dt.date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0) + 1


def _sheet_name(title: str, used: set[str]) -> str:
    base = _SHEET_NAME_FORBIDDEN.sub("_", title).strip("'")[:31] or "Sheet"
    base = base[:1].upper() + base[1:]
    name, number = base, 2
    while name.lower() in used:
        suffix = f" ({number})"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    used.add(name.lower())
    return name


class _FixedTimeZipFile(zipfile.ZipFile):
    """A zip file whose entries all carry one fixed date and the same attributes.

    openpyxl adds entries with `writestr(name, data)` (dated now) and `write(path, name)` (dated
    with the temporary file's mtime); both are routed through a fixed `ZipInfo` here.
    """

    def writestr(
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: Any,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        name = (
            zinfo_or_arcname.filename if isinstance(zinfo_or_arcname, zipfile.ZipInfo) else zinfo_or_arcname
        )
        super().writestr(_fixed_info(name), data, compress_type, compresslevel)

    def write(
        self,
        filename: Any,
        arcname: Any = None,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        info = _fixed_info(str(arcname if arcname is not None else filename))
        with open(filename, "rb") as source, self.open(info, "w") as target:
            _copy(source, target)


def _fixed_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # unix, whichever system wrote it
    info.external_attr = 0o644 << 16
    return info


def _copy(source: IO[bytes], target: IO[bytes]) -> None:
    shutil.copyfileobj(source, target, 1 << 20)

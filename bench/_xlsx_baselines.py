"""Baselines for bench_xlsx: the same workbook written by openpyxl (write-only) and xlsxwriter.

`openpyxl_render` is the renderer reporting used before the streaming writer (the same cells,
formats, fonts, widths and fixed zip dates); `xlsxwriter_render` is xlsxwriter in
`constant_memory` mode with the same cells and formats (widths from the streaming renderer's
pass, so only the writing is compared). Neither is used by the product.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from reporting.renderers.xlsx_format import _widths
from reporting.renderers.xlsx_sheet import column_letter, excel_serial
from reporting.table import Table

_FORMATS = {"amount": "#,##0.00", "date": "yyyy-mm-dd", "int": "0", "text": None}


def openpyxl_render(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.writer.excel import ExcelWriter

    workbook = Workbook(write_only=True)
    workbook.properties.created = workbook.properties.modified = dt.datetime(2000, 1, 1)
    bold = Font(bold=True)
    for section in table.sections:
        sheet = workbook.create_sheet(section.title.capitalize())
        for index, width in enumerate(_widths(section)):
            sheet.column_dimensions[column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        header = []
        for name in section.column_names:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        kinds = [column.kind for column in section.columns]
        for rows, font in ((section.rows, None), (section.totals, bold)):
            for row in rows:
                cells = []
                for kind, value in zip(kinds, row, strict=True):
                    cell = WriteOnlyCell(sheet, value=value)
                    if _FORMATS[kind] is not None and value is not None:
                        cell.number_format = _FORMATS[kind]
                    if font is not None:
                        cell.font = font
                    cells.append(cell)
                sheet.append(cells)
    sheet = workbook.create_sheet("Provenance")
    for key, value in table.provenance.items():
        sheet.append([key, value])
    buffer = io.BytesIO()
    ExcelWriter(workbook, _FixedZip(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    return buffer.getvalue()


class _FixedZip(zipfile.ZipFile):
    def writestr(self, name: Any, data: Any, compress_type: Any = None, compresslevel: Any = None) -> None:
        name = name.filename if isinstance(name, zipfile.ZipInfo) else name
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        super().writestr(info, data)

    def write(
        self, filename: Any, arcname: Any = None, compress_type: Any = None, compresslevel: Any = None
    ) -> None:
        with open(filename, "rb") as source:
            self.writestr(str(arcname or filename), source.read())


def xlsxwriter_render(table: Table) -> bytes:
    import xlsxwriter  # type: ignore[import-not-found]

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True})
    workbook.set_properties({"created": dt.datetime(2000, 1, 1)})
    bold = workbook.add_format({"bold": True})
    formats = {kind: workbook.add_format({"num_format": code}) for kind, code in _FORMATS.items() if code}
    bold_formats = {
        kind: workbook.add_format({"num_format": code, "bold": True})
        for kind, code in _FORMATS.items()
        if code
    }
    for section in table.sections:
        sheet = workbook.add_worksheet(section.title.capitalize())
        for index, width in enumerate(_widths(section)):
            sheet.set_column(index, index, width)
        sheet.freeze_panes(1, 0)
        sheet.write_row(0, 0, section.column_names, bold)
        kinds = [column.kind for column in section.columns]
        number = 1
        for rows, is_bold in ((section.rows, False), (section.totals, True)):
            styles = bold_formats if is_bold else formats
            for row in rows:
                for col, (kind, value) in enumerate(zip(kinds, row, strict=True)):
                    if value is None:
                        continue
                    if kind == "text":
                        sheet.write_string(number, col, value, bold if is_bold else None)
                    elif kind == "date":
                        sheet.write_number(number, col, excel_serial(value), styles[kind])
                    else:
                        sheet.write_number(number, col, value, styles[kind])
                number += 1
    sheet = workbook.add_worksheet("Provenance")
    for number, (key, value) in enumerate(table.provenance.items()):
        sheet.write_row(number, 0, (key, value))
    workbook.close()
    return buffer.getvalue()

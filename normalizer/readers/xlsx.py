"""Excel 2007+ workbooks (.xlsx, .xlsm): package checks first, then calamine."""

from __future__ import annotations

from normalizer.readers.calamine_book import read_calamine
from normalizer.readers.model import ReadOptions, Workbook
from normalizer.readers.xlsx_package import check_package
from normalizer.result import Detected


def read_xlsx(data: bytes, options: ReadOptions) -> Workbook:
    """All worksheets (or the one `options.sheet` names) of an xlsx/xlsm package."""
    check_package(data, options.limits)
    sheets = read_calamine(data, options.sheet, options.limits)
    return Workbook(container="xlsx", sheets=sheets, detected={"container": Detected(value="xlsx")})

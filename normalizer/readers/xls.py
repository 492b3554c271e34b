"""Excel 97-2003 workbooks (.xls): record checks, then calamine, else xlrd, in the bounded child."""

from __future__ import annotations

from normalizer.readers.calamine_book import to_sheet
from normalizer.readers.child import run_bounded
from normalizer.readers.model import ReadOptions, Workbook
from normalizer.readers.parse import parse_xls
from normalizer.result import Detected


def read_xls(data: bytes, options: ReadOptions) -> Workbook:
    """All worksheets (or the one `options.sheet` names) of a legacy workbook."""
    sheets = run_bounded(parse_xls, data, options.sheet, options.limits, limits=options.limits)
    return Workbook(
        container="xls", sheets=tuple(map(to_sheet, sheets)), detected={"container": Detected(value="xls")}
    )

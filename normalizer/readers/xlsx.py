"""Zip workbooks: Excel 2007+ (.xlsx, .xlsm) and OpenDocument (.ods), parsed in the bounded child."""

from __future__ import annotations

from normalizer.readers.calamine_book import to_sheet
from normalizer.readers.child import run_bounded
from normalizer.readers.model import ReadOptions, Workbook
from normalizer.readers.parse import parse_zip
from normalizer.result import Detected


def read_xlsx(data: bytes, options: ReadOptions) -> Workbook:
    """All worksheets (or the one `options.sheet` names) of an xlsx/xlsm or ods package."""
    kind, sheets = run_bounded(parse_zip, data, options.sheet, options.limits, limits=options.limits)
    return Workbook(
        container=kind, sheets=tuple(map(to_sheet, sheets)), detected={"container": Detected(value=kind)}
    )

"""Excel 97-2003 workbooks (.xls): record checks first, then calamine, else xlrd."""

from __future__ import annotations

import python_calamine

from normalizer.readers.calamine_book import read_calamine
from normalizer.readers.failures import is_parser_panic
from normalizer.readers.model import ReadOptions, Sheet, Workbook
from normalizer.readers.xlrd_book import read_xlrd
from normalizer.readers.xls_records import check_records, workbook_stream
from normalizer.result import Detected


def read_xls(data: bytes, options: ReadOptions) -> Workbook:
    """All worksheets (or the one `options.sheet` names) of a legacy workbook."""
    check_records(workbook_stream(data), options.limits)
    return Workbook(
        container="xls", sheets=_sheets(data, options), detected={"container": Detected(value="xls")}
    )


def _sheets(data: bytes, options: ReadOptions) -> tuple[Sheet, ...]:
    try:
        return read_calamine(data, options.sheet, options.limits)
    except python_calamine.CalamineError:
        pass
    except BaseException as exc:
        if not is_parser_panic(exc):
            raise
    # calamine reads fewer BIFF variants than xlrd (e.g. some BIFF5 files and odd writers).
    return read_xlrd(data, options.sheet)

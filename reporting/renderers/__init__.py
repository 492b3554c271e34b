"""Renderers: a `Table` to the bytes of one output format.

Each renderer is a pure function of the table, so the same table always gives the same bytes.
Formats are imported only when used. XLSX is written by our own streaming writer
(`xlsx_format`, `xlsx_sheet`, `xlsx_package`); openpyxl stays for reading workbooks.
"""

from __future__ import annotations

from typing import BinaryIO, Literal, get_args

from reporting.errors import ReportParameterError
from reporting.table import Table

Format = Literal["csv", "xlsx", "json"]
FORMATS: tuple[Format, ...] = get_args(Format)


def render_to(table: Table, fmt: Format | str, out: BinaryIO) -> None:
    """Write the table in `fmt` into `out`: the bytes of `render`, streamed for csv and xlsx.

    CSV goes out a block of rows at a time; XLSX needs `out` seekable (a file, not a pipe);
    JSON is rendered whole, then written. A failure can leave part of the output written.
    """
    if fmt == "csv":
        from reporting.renderers.csv_format import write_csv

        write_csv(table, out)
    elif fmt == "xlsx":
        from reporting.renderers.xlsx_format import write_xlsx

        write_xlsx(table, out)
    else:
        out.write(render(table, fmt))


def render(table: Table, fmt: Format | str) -> bytes:
    """The table in `fmt` (csv, xlsx or json), with its provenance, as bytes."""
    if fmt == "csv":
        from reporting.renderers.csv_format import render_csv

        return render_csv(table)
    if fmt == "json":
        from reporting.renderers.json_format import render_json

        return render_json(table)
    if fmt == "xlsx":
        from reporting.renderers.xlsx_format import render_xlsx

        return render_xlsx(table)
    raise ReportParameterError("format", f"{fmt!r} is not one of {', '.join(FORMATS)}")

"""CSV: UTF-8, RFC 4180 (`\\r\\n`, minimal quoting), sections one after another.

The main section starts at the first line with its header. Every further section, and the
provenance last, follows an empty line and a line holding only its title.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from reporting.renderers.cells import cell_text, neutralize
from reporting.table import Section, Table


def render_csv(table: Table) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for index, section in enumerate(table.sections):
        if index:
            writer.writerow([])
            writer.writerow([neutralize(section.title)])
        _write_section(writer.writerow, section)
    writer.writerow([])
    writer.writerow(["provenance"])
    writer.writerow(["key", "value"])
    for key, value in table.provenance.items():
        writer.writerow([neutralize(key), cell_text(value)])
    return out.getvalue().encode("utf-8")


def _write_section(writerow: Callable[[list[str]], object], section: Section) -> None:
    writerow([neutralize(name) for name in section.column_names])
    for row in (*section.rows, *section.totals):
        writerow([cell_text(value) for value in row])

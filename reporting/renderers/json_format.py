"""JSON: one object with the report's provenance and its sections; amounts are strings.

`columns` maps each column's name to its kind (text, amount, date, int), in order. Rows are
objects keyed by column name in column order; amounts are canonical decimal strings
(`"1234.50"`), dates ISO strings, ints numbers, empty cells `null`. Indented, newline-terminated.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import orjson

from reporting.renderers.cells import amount_text
from reporting.table import Cell, Row, Section, Table


def render_json(table: Table) -> bytes:
    document = {
        "report": table.report,
        "provenance": table.provenance.as_dict(),
        "sections": [_section(section) for section in table.sections],
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"


def _section(section: Section) -> dict[str, Any]:
    names = section.column_names
    out: dict[str, Any] = {
        "title": section.title,
        "columns": {column.name: column.kind for column in section.columns},
        "rows": [_row(names, row) for row in section.rows],
    }
    if section.totals:
        out["totals"] = [_row(names, row) for row in section.totals]
    return out


def _row(names: tuple[str, ...], row: Row) -> dict[str, Any]:
    return {name: _value(value) for name, value in zip(names, row, strict=True)}


def _value(value: Cell) -> str | int | None:
    if isinstance(value, Decimal):
        return amount_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value

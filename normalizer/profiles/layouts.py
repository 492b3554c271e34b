"""Profile tables of typed-record files (`fixed_width`, `control`): record roles, field layouts
and field kinds, checked strictly like the rest of a profile."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, cast

from normalizer.errors import ProfileError
from normalizer.profiles._convert import (
    _any,
    _bool,
    _choice,
    _int,
    _list,
    _opt_int,
    _opt_str,
    _str,
    _str_list,
    _Table,
)
from normalizer.profiles.model import Control, FieldLayout, FixedWidth, RecordLayout

_ROLES = ("record", "continuation", "context", "control", "closing", "ignore")
_FIELD_KINDS = ("text", "number", "overpunch", "amount_sum")


def _field_layout(value: object, where: str) -> FieldLayout:
    table = _Table(value, where)
    number = table.take("field", _opt_int, None)
    start = table.take("start", _int, 0)
    end = table.take("end", _int, 0)
    if number is not None:
        if start or end:
            raise ProfileError(f"{where}: give a field number or start/end columns, not both")
        start = end = number
    layout = FieldLayout(
        name=table.take("name", _str, ""),
        start=start,
        end=end,
        kind=cast(Any, table.take("kind", _choice(*_FIELD_KINDS), "text")),
        decimals=table.take("decimals", _opt_int, None),
        decimals_from=table.take("decimals_from", _opt_str, None),
        chars=table.take("chars", _span, None),
        to_end=table.take("to_end", _bool, False),
        shift=table.take("shift", _shift, MappingProxyType({})),
        group=table.take("group", _int, 0),
        amount_at=table.take("amount_at", _int, 0),
    )
    table.finish()
    _check_field(layout, where)
    return layout


def _check_field(layout: FieldLayout, where: str) -> None:
    if not layout.name or layout.start < 1 or layout.end < layout.start:
        raise ProfileError(f"{where} needs a name and 1 <= start <= end (or a field number)")
    if layout.kind == "text" and (layout.decimals is not None or layout.decimals_from is not None):
        raise ProfileError(f"{where}: decimals apply to kind 'number', 'overpunch' or 'amount_sum' only")
    if layout.decimals is not None and layout.decimals_from is not None:
        raise ProfileError(f"{where}: give decimals or decimals_from, not both")
    if layout.decimals is not None and not 0 <= layout.decimals <= 9:
        raise ProfileError(f"{where}.decimals must be between 0 and 9")
    if layout.kind == "amount_sum" and not 1 <= layout.amount_at <= layout.group:
        raise ProfileError(f"{where}: kind 'amount_sum' needs group >= 1 and 1 <= amount_at <= group")


def _span(value: object, where: str) -> tuple[int, int]:
    items = _list(value, where)
    if len(items) != 2:
        raise ProfileError(f"{where} must be [start, end]")
    first, last = (_int(x, f"{where}[{i}]") for i, x in enumerate(items))
    if first < 1 or last < first:
        raise ProfileError(f"{where} must be [start, end] with 1 <= start <= end")
    return first, last


def _shift(value: object, where: str) -> Mapping[str, int]:
    table = _Table(value, where)
    shift = {key: _int(table.data.pop(key), f"{where}.{key}") for key in sorted(table.data)}
    if any(n < 0 for n in shift.values()):
        raise ProfileError(f"{where}: a shift counts fields, it cannot be negative")
    return MappingProxyType(shift)


def _record_layout(kind: str, value: object, where: str) -> RecordLayout:
    table = _Table(value, where)
    raw_fields: list[object] = table.take("fields", _list, [])
    fields = tuple(_field_layout(item, f"{where}.fields[{i}]") for i, item in enumerate(raw_fields))
    names = {f.name for f in fields}
    for f in fields:
        if f.decimals_from is not None and f.decimals_from not in names:
            raise ProfileError(
                f"{where}: field '{f.name}' takes its decimals from '{f.decimals_from}', not a field"
            )
    append = table.take("append", _append, MappingProxyType({}))
    record = RecordLayout(
        kind=kind,
        role=cast(Any, table.take("role", _choice(*_ROLES), "record")),
        fields=fields,
        append=append,
        carry=table.take("carry", _str_list, ()),
    )
    table.finish()
    return record


def _append(value: object, where: str) -> Mapping[str, tuple[str, ...]]:
    table = _Table(value, where)
    append = {key: _str_list(table.data.pop(key), f"{where}.{key}") for key in sorted(table.data)}
    return MappingProxyType(append)


def fixed_width_table(value: object, where: str) -> FixedWidth:
    table = _Table(value, where)
    span = tuple(_int(x, f"{where}.type") for x in table.take("type", _list, []))
    if span and len(span) != 2:
        raise ProfileError(f"{where}.type must be [start, end]")
    records_table = _Table(table.take("records", _any, {}), f"{where}.records")
    records = tuple(
        _record_layout(kind, records_table.data.pop(kind), f"{where}.records.{kind}")
        for kind in sorted(records_table.data)
    )
    separator = table.take("separator", _opt_str, None)
    terminator = table.take("terminator", _str, "")
    continuation = table.take("continuation", _opt_str, None)
    record_length = table.take("record_length", _opt_int, None)
    table.finish()
    if not records:
        raise ProfileError(f"{where} needs at least one record layout")
    if separator is not None and len(separator) != 1:
        raise ProfileError(f"{where}.separator must be one character")
    if record_length is not None and (record_length < 1 or separator is not None):
        raise ProfileError(f"{where}.record_length must be >= 1, for fixed-width records only")
    if separator is None and (terminator or continuation):
        raise ProfileError(f"{where}: terminator and continuation need a separator")
    return FixedWidth(
        type_start=span[0] if span else None,
        type_end=span[1] if span else None,
        records=records,
        separator=separator,
        terminator=terminator,
        continuation=continuation,
        record_length=record_length,
    )


def control_table(value: object, where: str) -> Control:
    table = _Table(value, where)
    names = [
        "debit_count", "debit_total", "credit_count", "credit_total", "closing_balance",
        "closing_side", "opening_kind", "opening_balance", "opening_side", "movement_total",
        "movement_total_less",
    ]  # fmt: skip
    kind = table.take("kind", _str, "")
    if not kind:
        raise ProfileError(f"{where}.kind is required")
    options = {name: table.take(name, _opt_str, None) for name in names}
    table.finish()
    return Control(kind=kind, **options)

"""Load profiles from TOML or JSON, strictly: an unknown key or a wrong type is a `ProfileError`.

A profile is found by path (`./my-bank.toml`) or by the name of a shipped profile
(`datev-extf`, see `shipped_profile_names()`).
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar, cast

from normalizer.errors import ProfileError
from normalizer.profiles.model import (
    INHERITABLE_FIELDS,
    MAPPABLE_FIELDS,
    ColumnRef,
    Control,
    Detect,
    FieldLayout,
    FixedWidth,
    Profile,
    RecordLayout,
    SkipRule,
    YearFrom,
)

T = TypeVar("T")
_PACKAGE = "normalizer.profiles"
_ROLES = ("record", "continuation", "context", "control", "closing", "ignore")
_FIELD_KINDS = ("text", "number", "overpunch", "amount_sum")


class _Table:
    """A profile table being read: takes keys one by one, then refuses any key left over."""

    def __init__(self, data: object, where: str) -> None:
        if not isinstance(data, Mapping):
            raise ProfileError(f"{where} must be a table")
        self.data = dict(data)
        self.where = where

    def take(self, key: str, convert: Callable[[object, str], T], default: Any) -> T:
        if key not in self.data:
            return cast(T, default)
        return convert(self.data.pop(key), f"{self.where}.{key}")

    def finish(self) -> None:
        if self.data:
            key = sorted(self.data)[0]
            raise ProfileError(f"unknown key '{key}' in {self.where}")


def _str(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise ProfileError(f"{where} must be a string")
    return value


def _opt_str(value: object, where: str) -> str | None:
    return _str(value, where)


def _int(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProfileError(f"{where} must be an integer")
    return value


def _opt_int(value: object, where: str) -> int | None:
    return _int(value, where)


def _bool(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise ProfileError(f"{where} must be true or false")
    return value


def _regex(value: object, where: str) -> str:
    text = _str(value, where)
    try:
        re.compile(text)
    except re.error as exc:
        raise ProfileError(f"{where} is not a valid regular expression: {exc}") from exc
    return text


def _choice(*choices: str) -> Callable[[object, str], str]:
    def convert(value: object, where: str) -> str:
        if value not in choices:
            raise ProfileError(f"{where} must be one of {', '.join(choices)}")
        return str(value)

    return convert


def _str_list(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ProfileError(f"{where} must be a list of strings")
    return tuple(_str(item, f"{where}[{i}]") for i, item in enumerate(value))


def _column_ref(value: object, where: str) -> ColumnRef:
    if isinstance(value, str):
        return value
    if _int(value, where) < 1:
        raise ProfileError(f"{where}: column positions start at 1")
    return cast(int, value)


def _columns(value: object, where: str) -> Mapping[str, tuple[ColumnRef, ...]]:
    table = _Table(value, where)
    columns: dict[str, tuple[ColumnRef, ...]] = {}
    for name in MAPPABLE_FIELDS:
        refs = table.take(name, _refs, ())
        if refs:
            columns[name] = refs
    table.finish()
    return MappingProxyType(columns)


def _refs(value: object, where: str) -> tuple[ColumnRef, ...]:
    if isinstance(value, list):
        return tuple(_column_ref(item, f"{where}[{i}]") for i, item in enumerate(value))
    return (_column_ref(value, where),)


def _names(value: object, where: str) -> Mapping[int, str]:
    table = _Table(value, where)
    names: dict[int, str] = {}
    for key in sorted(table.data):
        if not key.isdigit() or int(key) < 1:
            raise ProfileError(f"{where}: key '{key}' must be a column position (1, 2, ...)")
        names[int(key)] = _str(table.data.pop(key), f"{where}.{key}")
    return MappingProxyType(names)


def _side_tokens(value: object, where: str) -> Mapping[str, str]:
    table = _Table(value, where)
    tokens = {
        key: _choice("debit", "credit")(table.data.pop(key), f"{where}.{key}") for key in sorted(table.data)
    }
    return MappingProxyType(tokens)


def _detect(value: object, where: str) -> Detect:
    table = _Table(value, where)
    detect = Detect(
        first_line=table.take("first_line", _regex, None),
        headers=table.take("headers", _str_list, ()),
    )
    table.finish()
    return detect


def _year_from(value: object, where: str) -> YearFrom:
    table = _Table(value, where)
    year_from = YearFrom(
        row=table.take("row", _int, 1),
        column=table.take("column", _int, 1),
        pattern=table.take("pattern", _str, "%Y%m%d"),
    )
    table.finish()
    return year_from


def _skip(value: object, where: str) -> tuple[SkipRule, ...]:
    if not isinstance(value, list):
        raise ProfileError(f"{where} must be a list of tables")
    rules = []
    for i, item in enumerate(value):
        table = _Table(item, f"{where}[{i}]")
        if "column" not in table.data or "pattern" not in table.data:
            raise ProfileError(f"{where}[{i}] needs 'column' and 'pattern'")
        rules.append(
            SkipRule(column=table.take("column", _column_ref, 1), pattern=table.take("pattern", _regex, ""))
        )
        table.finish()
    return tuple(rules)


def _inherit(value: object, where: str) -> tuple[str, ...]:
    fields = _str_list(value, where)
    for name in fields:
        if name not in INHERITABLE_FIELDS:
            raise ProfileError(f"{where}: '{name}' cannot be inherited ({', '.join(INHERITABLE_FIELDS)})")
    return fields


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


def _list(value: object, where: str) -> list[object]:
    if not isinstance(value, list):
        raise ProfileError(f"{where} must be a list")
    return value


def _append(value: object, where: str) -> Mapping[str, tuple[str, ...]]:
    table = _Table(value, where)
    append = {key: _str_list(table.data.pop(key), f"{where}.{key}") for key in sorted(table.data)}
    return MappingProxyType(append)


def _any(value: object, where: str) -> object:
    return value


def _sheet(value: object, where: str) -> str | int:
    return value if isinstance(value, str) else _int(value, where)


def _fixed_width(value: object, where: str) -> FixedWidth:
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
    table.finish()
    if not records:
        raise ProfileError(f"{where} needs at least one record layout")
    if separator is not None and len(separator) != 1:
        raise ProfileError(f"{where}.separator must be one character")
    if separator is None and (terminator or continuation):
        raise ProfileError(f"{where}: terminator and continuation need a separator")
    return FixedWidth(
        type_start=span[0] if span else None,
        type_end=span[1] if span else None,
        records=records,
        separator=separator,
        terminator=terminator,
        continuation=continuation,
    )


def _control(value: object, where: str) -> Control:
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


def _amount_scale(table: _Table, name: str) -> int:
    """`amount_scale`, or `minor_units = n` (amounts stated in 1/10^n units, e.g. cents: 2)."""
    scale = table.take("amount_scale", _opt_int, None)
    minor = table.take("minor_units", _opt_int, None)
    if minor is None:
        return scale if scale is not None else 0
    if scale is not None:
        raise ProfileError(f"profile {name}: set amount_scale or minor_units, not both")
    if not 0 <= minor <= 9:
        raise ProfileError(f"profile {name}.minor_units must be between 0 and 9")
    return -minor


def profile_from_dict(data: Mapping[str, object], *, name: str) -> Profile:
    """Build a `Profile` from parsed TOML/JSON, refusing unknown keys and wrong types."""
    table = _Table(data, f"profile {name}")
    profile = Profile(
        name=table.take("name", _str, name),
        description=table.take("description", _str, ""),
        detect=table.take("detect", _detect, None),
        encoding=table.take("encoding", _opt_str, None),
        delimiter=table.take("delimiter", _opt_str, None),
        sheet=table.take("sheet", _sheet, None),
        header=table.take("header", _bool, True),
        header_row=table.take("header_row", _int, None),
        columns=table.take("columns", _columns, MappingProxyType({})),
        names=table.take("names", _names, MappingProxyType({})),
        decimal_mark=table.take("decimal_mark", _choice(".", ","), None),
        date_order=table.take("date_order", _choice("YMD", "DMY", "MDY"), None),
        date_pattern=table.take("date_pattern", _str, None),
        year=table.take("year", _int, None),
        year_from=table.take("year_from", _year_from, None),
        positive=cast(Any, table.take("positive", _choice("debit", "credit"), "debit")),
        side_tokens=table.take("side_tokens", _side_tokens, MappingProxyType({})),
        amount_scale=_amount_scale(table, name),
        currency=table.take("currency", _opt_str, None),
        skip=table.take("skip", _skip, ()),
        total_label=table.take("total_label", _regex, None),
        total_scope=cast(Any, table.take("total_scope", _choice("block", "block-after-first"), None)),
        inherit=table.take("inherit", _inherit, None),
        journal_key=table.take("journal_key", _str_list, ()),
        fixed_width=table.take("fixed_width", _fixed_width, None),
        control=table.take("control", _control, None),
    )
    table.finish()
    if profile.header_row is not None and not profile.header:
        raise ProfileError(f"profile {name}: header_row is set but header = false")
    return profile


def _parse(text: str, *, suffix: str, name: str) -> Mapping[str, object]:
    try:
        data = json.loads(text) if suffix == ".json" else tomllib.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise ProfileError(f"profile {name} cannot be parsed: {exc}") from exc
    if not isinstance(data, dict):
        raise ProfileError(f"profile {name} must be a table of settings")
    return data


def shipped_profile_names() -> tuple[str, ...]:
    """Names of the profiles shipped with the normalizer, sorted."""
    folder = resources.files(_PACKAGE)
    return tuple(sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml")))


def load_profile(ref: str | os.PathLike[str]) -> Profile:
    """Load a profile by path (TOML or JSON) or by the name of a shipped profile."""
    path = Path(ref)
    if path.suffix in (".toml", ".json") or path.exists():
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ProfileError(f"profile file {path} cannot be read: {exc.strerror}") from exc
        return profile_from_dict(_parse(text, suffix=path.suffix, name=path.stem), name=path.stem)
    name = str(ref)
    if name not in shipped_profile_names():
        known = ", ".join(shipped_profile_names())
        raise ProfileError(f"no profile named '{name}' (shipped profiles: {known})")
    text = resources.files(_PACKAGE).joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return profile_from_dict(_parse(text, suffix=".toml", name=name), name=name)


def shipped_profiles() -> tuple[Profile, ...]:
    """Every shipped profile, in name order."""
    return tuple(load_profile(name) for name in shipped_profile_names())

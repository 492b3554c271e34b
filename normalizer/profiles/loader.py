"""Load profiles from TOML or JSON, strictly: an unknown key or a wrong type is a `ProfileError`.

A profile is found by path (`./my-bank.toml`) or by the name of a shipped profile
(`datev-extf`, see `shipped_profile_names()`).
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast, get_args

from normalizer.errors import ProfileError
from normalizer.profiles._convert import (
    _bool,
    _choice,
    _int,
    _opt_int,
    _opt_str,
    _regex,
    _str,
    _str_list,
    _Table,
)
from normalizer.profiles.layouts import control_table, fixed_width_table
from normalizer.profiles.model import (
    INHERITABLE_FIELDS,
    MAPPABLE_FIELDS,
    ColumnRef,
    Detect,
    Profile,
    SkipRule,
    TotalScope,
    YearFrom,
)

_PACKAGE = "normalizer.profiles"
TOTAL_SCOPES = get_args(TotalScope)


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


def _sheet(value: object, where: str) -> str | int:
    return value if isinstance(value, str) else _int(value, where)


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
        total_scope=cast(Any, table.take("total_scope", _choice(*TOTAL_SCOPES), None)),
        inherit=table.take("inherit", _inherit, None),
        journal_key=table.take("journal_key", _str_list, ()),
        fixed_width=table.take("fixed_width", fixed_width_table, None),
        control=table.take("control", control_table, None),
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

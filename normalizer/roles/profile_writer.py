"""A normalization's detections written back as an editable profile (TOML).

Loaded with `profile=`, the profile gives the same records: every decision that was detected
-- header row, column roles, side flags, decimal mark, date order, continuation fields -- is
stated, so the user edits the one line that was wrong instead of writing a profile from
nothing. A file read with a shipped profile gets that profile's own text.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from normalizer.result import Detected, NormalizeResult

_ORDERS = ("YMD", "DMY", "MDY")


def _value(detected: dict[str, Detected], key: str) -> Any:
    found = detected.get(key)
    return None if found is None else found.value


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)  # a TOML basic string is a JSON string


def _shipped_text(name: str) -> str | None:
    entry = resources.files("normalizer.profiles").joinpath(f"{name}.toml")
    return entry.read_text("utf-8") if entry.is_file() else None


def profile_toml(result: NormalizeResult, *, source: str = "") -> str:
    """The detections of `result` as profile TOML text (see docs/profiles.md for the keys)."""
    detected = result.detected
    profile = detected.get("profile")
    if profile is not None and profile.value is not None:
        text = _shipped_text(str(profile.value))
        if text is not None:
            return f"# The shipped profile '{profile.value}' read this file; its text follows.\n{text}"
    lines = [
        f"# Detected from {source or 'the file'} by `ledgerstore normalize --write-profile`.",
        "# Edit what was misread and load it with --profile; docs/profiles.md lists the keys.",
        f"description = {_toml('detected from ' + (source or 'a file'))}",
    ]
    lines.extend(_settings(detected))
    lines.extend(_columns(detected))
    sides = _value(detected, "side_mapping")
    if sides:
        lines.append("")
        lines.append("[side_tokens]")
        lines.extend(f"{_toml(token)} = {_toml(side)}" for token, side in sides.items())
    return "\n".join(lines) + "\n"


def _settings(detected: dict[str, Detected]) -> list[str]:
    out = []
    for key in ("encoding", "delimiter", "sheet"):
        value = _value(detected, key)
        if value is not None:
            out.append(f"{key} = {_toml(value)}")
    header_row = _value(detected, "header_row")
    out.append("header = false" if header_row is None else f"header_row = {header_row}")
    mark = _value(detected, "decimal_mark")
    if mark in (".", ","):
        out.append(f"decimal_mark = {_toml(mark)}")
    order = _value(detected, "date_order")
    if order in _ORDERS:
        out.append(f"date_order = {_toml(order)}")
    year = _value(detected, "year")
    if year is not None:
        out.append(f"year = {year}")
    inherit = _value(detected, "inherit")
    if inherit is not None:
        out.append(f"inherit = {_toml(list(inherit))}")
    return out


def _columns(detected: dict[str, Detected]) -> list[str]:
    """`[columns]` by header name, or by 1-based position when the file has no header row."""
    roles = _value(detected, "roles") or []
    by_name = _value(detected, "columns") or {}
    headerless = _value(detected, "header_row") is None
    out = ["", "[columns]"]
    for field, names in by_name.items():
        wanted = names if isinstance(names, list) else [names]
        if headerless:
            refs: list[object] = [r["column"] for r in roles if r["name"] in wanted]
        else:
            refs = list(wanted)
        out.append(f"{field} = {_toml(refs[0] if len(refs) == 1 else refs)}")
    return out

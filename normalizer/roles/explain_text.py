"""`--explain`: what was detected about a file, for a person fixing a misread file."""

from __future__ import annotations

from typing import Any

from normalizer.result import Detected, NormalizeResult

_KINDS = (
    ("date", "dates"),
    ("amount", "amounts"),
    ("side", "side flags"),
    ("currency", "currency codes"),
    ("code", "codes"),
)
_LISTED_ATTRIBUTES = 12


def _how(found: Detected | None) -> str:
    if found is None:
        return "-"
    value = "none" if found.value is None else found.value
    return f"{value} ({found.source}, {found.confidence:.2f})"


def _cells(content: dict[str, Any] | None) -> str:
    if not content or not content.get("filled"):
        return "cells: empty in the sample"
    shares = [f"{round(content[k] * 100)}% {label}" for k, label in _KINDS if content.get(k, 0) >= 0.5]
    return "cells: " + (", ".join(shares) if shares else "text")


def _column_line(role: dict[str, Any]) -> str:
    target = role["role"] or "attribute"
    header = role.get("header")
    said = (
        f'header "{header["phrase"]}" ({header["how"]}) -> {header["field"]}'
        if header
        else "header: no match"
    )
    note = f"; {role['note']}" if role.get("note") else ""
    return (
        f"  {role['column']:>3} {role['name'][:28]:<28} -> {target:<12} score {role['score']:.2f}"
        f"  {said}; {_cells(role.get('content'))}{note}"
    )


def explain_text(result: NormalizeResult, *, source: str = "") -> str:
    """Header row, each column's role with evidence and score, amount model, side mapping,
    decimal mark, date order, encoding: one screen a user reads before writing a profile."""
    d = result.detected
    lines = [f"file: {source}" if source else "file:"]
    for key in ("profile", "container", "encoding", "delimiter", "sheet"):
        if key in d:
            lines.append(f"{key}: {_how(d[key])}")
    header = d.get("header_row")
    if header is not None and header.value is None and header.source == "detected":
        lines.append("header row: none -- the first row is data; roles come from the cells")
    else:
        lines.append(f"header row: {_how(header)}")
    lines.extend(_columns(d))
    model = d.get("amount_model")
    reason = d.get("amount_source")
    lines.append(f"amount model: {_how(model)}" + (f" -- {reason.value}" if reason else ""))
    sides = d.get("side_mapping")
    if sides is not None:
        lines.append("side mapping: " + ", ".join(f"{k} -> {v}" for k, v in sides.value.items()))
    for key, label in (("decimal_mark", "decimal mark"), ("date_order", "date order"), ("year", "year")):
        if key in d:
            lines.append(f"{label}: {_how(d[key])}")
    if "inherit" in d:
        lines.append(f"continuation rows inherit: {', '.join(d['inherit'].value) or 'nothing'}")
    lines.append(f"records: {len(result.records)}; issues: {len(result.issues)}")
    notes = [i for i in result.issues if i.row is None]
    lines.extend(f"note: {i.message}" for i in notes)
    return "\n".join(lines) + "\n"


def _columns(d: dict[str, Detected]) -> list[str]:
    roles = d.get("roles")
    if roles is None:
        columns = d.get("columns")
        found = columns.value if columns is not None else {}
        return ["columns (from the profile):", *(f"  {name} <- {header}" for name, header in found.items())]
    shown = [r for r in roles.value if r["role"] or r.get("header") or r.get("note")]
    rest = [r["name"] for r in roles.value if r not in shown]
    lines = ["columns (number, name -> role, score, evidence):", *map(_column_line, shown)]
    if rest:
        listed = ", ".join(rest[:_LISTED_ATTRIBUTES]) + (", ..." if len(rest) > _LISTED_ATTRIBUTES else "")
        lines.append(f"  {len(rest)} more columns -> attributes: {listed}")
    return lines

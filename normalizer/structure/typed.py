"""Fixed-width files with record types (AEB43 and kin) flattened into one table of ledger lines.

The profile says what each record type is: ledger lines ("record"), lines that extend the
previous ledger line ("continuation", e.g. AEB43 type 23 concept lines), statement headers
whose fields are carried into the lines after them ("context"), control totals ("control"), a
closing balance stated in its own record before the control totals ("closing", CODA type 8).
Number and overpunch fields are decoded here (`field_kinds`), so records and control checks
read the same plain values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from normalizer.errors import ProfileError
from normalizer.profiles.model import FixedWidth, RecordLayout
from normalizer.result import Issue
from normalizer.structure.cells import Cell, PlainRow, RowLike, cell_text
from normalizer.structure.field_kinds import decode_fields, separated_values


@dataclass(frozen=True, slots=True, kw_only=True)
class ControlSpan:
    """A control-total record and the lines it covers (from the opening context record on)."""

    opening: Mapping[str, str]
    control: Mapping[str, str]
    first_row: int
    control_row: int


@dataclass(frozen=True, slots=True, kw_only=True)
class FlatTable:
    headers: tuple[str, ...]
    rows: tuple[PlainRow, ...]
    spans: tuple[ControlSpan, ...] = ()
    issues: tuple[Issue, ...] = ()


@dataclass(slots=True)
class _State:
    pending: list[Cell] | None = None
    pending_number: int = 0
    context: dict[str, str] = field(default_factory=dict)
    opening: dict[str, str] = field(default_factory=dict)
    closing: dict[str, str] = field(default_factory=dict)
    span_start: int = 1


def _record_layout(spec: FixedWidth) -> RecordLayout:
    records = [r for r in spec.records if r.role == "record"]
    if len(records) != 1:
        raise ProfileError("a fixed-width profile needs exactly one record type with role = 'record'")
    return records[0]


def _values(
    row: RowLike, layout: RecordLayout, headers_by_kind: Mapping[str, Sequence[str]], separator: str | None
) -> dict[str, str]:
    if separator is not None:
        cells = [cell if isinstance(cell, str) else cell_text(cell) for cell in row.cells]
        return decode_fields(layout.fields, separated_values(layout.fields, cells, separator), separator)
    names = headers_by_kind.get(layout.kind) or [f.name for f in layout.fields]
    values = {name: cell_text(cell) for name, cell in zip(names, row.cells, strict=False)}
    return decode_fields(layout.fields, values)


def flatten(
    rows: Sequence[RowLike], spec: FixedWidth, headers_by_kind: Mapping[str, Sequence[str]]
) -> FlatTable:
    """One row per ledger line: its own fields, then appended continuation text, then carried
    context fields. Lines of types the profile does not describe are reported as issues."""
    record = _record_layout(spec)
    appended = sorted({name for r in spec.records if r.role == "continuation" for name in r.append})
    carried = [name for r in spec.records if r.role == "context" for name in r.carry]
    own = [f.name for f in record.fields]
    headers = tuple(own + appended + carried)
    out: list[PlainRow] = []
    spans: list[ControlSpan] = []
    issues: list[Issue] = []
    state = _State()

    def flush() -> None:
        if state.pending is not None:
            out.append(PlainRow(state.pending_number, tuple(state.pending), record.kind))
            state.pending = None

    for row in rows:
        layout = spec.layout(row.kind or "")
        if layout is None:
            issues.append(_unknown(row))
            continue
        values = _values(row, layout, headers_by_kind, spec.separator)
        if layout.role == "record":
            flush()
            pending: list[Cell] = [values.get(n, "") for n in own]
            pending += [""] * len(appended) + [state.context.get(n, "") for n in carried]
            state.pending = pending
            state.pending_number = row.number
        elif layout.role == "continuation" and state.pending is not None:
            for name, sources in layout.append.items():
                slot = len(own) + appended.index(name)
                text = " ".join(values[s] for s in sources if values.get(s))
                state.pending[slot] = f"{state.pending[slot]} {text}".strip()
        elif layout.role == "context":
            flush()
            state.context.update({n: values.get(n, "") for n in layout.carry})
            state.opening = values
            state.span_start = row.number
        elif layout.role == "closing":
            flush()
            state.closing = values
        elif layout.role == "control":
            flush()
            stated = {**state.closing, **values}
            spans.append(
                ControlSpan(
                    opening=state.opening, control=stated, first_row=state.span_start, control_row=row.number
                )
            )
            state.span_start = row.number + 1
            state.closing = {}
    flush()
    return FlatTable(headers=headers, rows=tuple(out), spans=tuple(spans), issues=tuple(issues))


def _unknown(row: RowLike) -> Issue:
    raw = " ".join(cell_text(c) for c in row.cells)
    return Issue(
        row=row.number,
        column=None,
        raw=raw,
        message=f"line of record type '{row.kind}' is not described by the profile; it was not read",
        severity="warning",
        code="unknown-record-type",
    )

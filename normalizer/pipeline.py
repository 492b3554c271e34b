"""`normalize()`: bytes in, records + issues + detections + checks out. Wires the stages."""

from __future__ import annotations

import dataclasses
import functools
import os
import re
from array import array
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from normalizer.bulk import collector_paused
from normalizer.checks import columnar_record_checks, run_record_checks, undecided_notes
from normalizer.errors import NormalizerError, ProfileError
from normalizer.fast.collect import RecordCollector
from normalizer.issue_columns import IssueBlock, ordered_issues
from normalizer.mapping import ColumnMap, build_column_map
from normalizer.profiles.detect import detect_profile
from normalizer.profiles.loader import load_profile, shipped_profiles
from normalizer.profiles.model import Profile
from normalizer.record import Record
from normalizer.result import CheckResult, Detected, Issue, NormalizeResult
from normalizer.roles.content import SAMPLE_ROWS
from normalizer.roles.explain import describe_roles
from normalizer.structure.assemble import LineBuilder, ValueRules
from normalizer.structure.blocks import BlockRules, BlockWalker
from normalizer.structure.cells import RowLike, RowSubset, cell_at, cell_text, is_blank
from normalizer.structure.classify import DEFAULT_TOTAL_LABEL, Classifier, RowKind, index_columns
from normalizer.structure.decisions import decide_blocks, decide_values, read_options
from normalizer.structure.movement_totals import movement_total_checks
from normalizer.structure.table import Table, build_table, choose_sheet
from normalizer.structure.totals import check_totals, choose_scope, find_totals
from normalizer.version import NORMALIZER_VERSION

if TYPE_CHECKING:
    from normalizer.fast.records import ColumnRecords
    from normalizer.readers.limits import Limits

Source = bytes | str | os.PathLike[str]


def _load(source: Source, name: str | None) -> tuple[bytes, str | None]:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), name
    path = Path(source)
    return path.read_bytes(), name or path.name


def _profile(
    profile: Profile | str | os.PathLike[str] | None, data: bytes
) -> tuple[Profile | None, Detected]:
    if isinstance(profile, Profile):
        return profile, Detected(value=profile.name, confidence=1.0, source="override")
    if profile is not None:
        loaded = load_profile(profile)
        return loaded, Detected(value=loaded.name, confidence=1.0, source="override")
    found = detect_profile(data, shipped_profiles())
    if found is None:
        return None, Detected(value=None, confidence=1.0, source="default")
    return found, Detected(value=found.name, confidence=0.9, source="detected")


def normalize(
    source: Source,
    *,
    profile: Profile | str | os.PathLike[str] | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    fiscal_year: int | None = None,
    ledger_file_id: int | None = None,
    name: str | None = None,
    fast_path: bool | None = None,
    limits: Limits | None = None,
) -> NormalizeResult:
    """Normalize one general-ledger export.

    `source` is the file's bytes or a path. `profile` (a `Profile`, a shipped profile's name or
    a profile file's path) declares the format; without one a shipped profile is used when the
    file announces its format, else everything is detected. Records come in source order; row
    problems are `issues`; only a failure of the whole file raises a `NormalizerError`.

    `fast_path` picks the columnar path for ordinary delimited files and xlsx workbooks
    (`normalizer.fast`), which gives the same result: None uses it for large files, True for
    any size, False never. Its
    `records` are then a `Sequence[Record]` backed by columns rather than a tuple.

    `limits` bounds what the file may make the readers do (sizes, and the memory and time of
    the child process that parses workbooks); None uses `Limits()`'s defaults.
    """
    data, name = _load(source, name)
    chosen, profile_detected = _profile(profile, data)
    if chosen is None and encoding is None and sheet is None and fast_path is not False:
        fast = _normalize_fast(
            data, name, profile_detected, fiscal_year, ledger_file_id, force=bool(fast_path), limits=limits
        )
        if fast is not None:
            return fast
    with collector_paused():  # a large file is millions of small objects (`normalizer.bulk`)
        return _normalize_general(
            data, name, chosen, profile_detected, encoding, sheet, fiscal_year, ledger_file_id, limits
        )


def _normalize_general(  # noqa: PLR0917
    data: bytes,
    name: str | None,
    chosen: Profile | None,
    profile_detected: Detected,
    encoding: str | None,
    sheet: str | int | None,
    fiscal_year: int | None,
    ledger_file_id: int | None,
    limits: Limits | None,
) -> NormalizeResult:
    from normalizer.readers import read_workbook

    try:
        options = read_options(chosen, encoding)
        if limits is not None:
            options = dataclasses.replace(options, limits=limits)
    except ValueError as exc:  # the readers refuse an unknown encoding or a bad layout
        raise NormalizerError(str(exc), source=name) from exc
    workbook = read_workbook(data, name=name, options=options)
    detected: dict[str, Detected] = {
        "profile": profile_detected,
        **_reader_detected(workbook.detected, chosen, encoding),
    }
    wanted, sheet_source = (
        (sheet, "override") if sheet is not None else (chosen.sheet if chosen else None, "profile")
    )
    picked, detected["sheet"] = choose_sheet(workbook.sheets, wanted, sheet_source)
    rows: Sequence[RowLike] = getattr(picked, "rows", ())
    table = build_table(rows, chosen, dict(getattr(picked, "headers_by_kind", {}) or {}), headerless=True)
    detected["header_row"] = table.header_row
    columns = build_column_map(table.headers, chosen, sample=table.rows[:SAMPLE_ROWS])
    detected.update(describe_roles(columns))
    return _normalize_table(
        table,
        columns,
        chosen,
        detected,
        fiscal_year=fiscal_year,
        ledger_file_id=ledger_file_id,
        reader_issues=workbook.issues,
    )


def _normalize_fast(
    data: bytes,
    name: str | None,
    profile_detected: Detected,
    fiscal_year: int | None,
    ledger_file_id: int | None,
    *,
    force: bool,
    limits: Limits | None,
) -> NormalizeResult | None:
    from normalizer.fast import available

    runner = _fast_runner(data, force, limits) if available() else None
    if runner is None:
        return None
    return runner(
        data,
        name=name,
        profile_detected=profile_detected,
        fiscal_year=fiscal_year,
        ledger_file_id=ledger_file_id,
    )


def _fast_runner(
    data: bytes, force: bool, limits: Limits | None
) -> Callable[..., NormalizeResult | None] | None:
    """The columnar path for this container and size (xlsx packages, delimited text), or None.

    The delimited path applies the default limits only: with other limits, the general path.
    """
    from normalizer.fast import MIN_BYTES, MIN_WORKBOOK_BYTES
    from normalizer.readers.limits import Limits
    from normalizer.readers.sniff import sniff_container

    try:
        container = sniff_container(data)
    except NormalizerError:
        return None  # a foreign format: the general path says which
    if container == "zip" and (force or len(data) >= MIN_WORKBOOK_BYTES):
        from normalizer.fast.workbook import normalize_workbook

        return functools.partial(normalize_workbook, limits=limits or Limits())
    if container == "text" and (force or len(data) >= MIN_BYTES) and limits in (None, Limits()):
        from normalizer.fast.delimited import normalize_columnar

        return normalize_columnar
    return None


def _reader_detected(
    found: dict[str, Detected], profile: Profile | None, encoding: str | None
) -> dict[str, Detected]:
    out = dict(found)
    for key, value in (
        ("encoding", profile.encoding if profile else None),
        ("delimiter", profile.delimiter if profile else None),
    ):
        if key in out and value is not None and not (key == "encoding" and encoding):
            out[key] = Detected(value=out[key].value, confidence=1.0, source="profile")
    return out


def _classifier(table: Table, columns: ColumnMap, profile: Profile | None) -> Classifier:
    from normalizer.mapping import normalize_header

    amount_columns = tuple(c for n in ("debit", "credit", "amount") for c in columns.columns(n))
    skip = tuple(
        (_column_index(rule.column, columns), re.compile(rule.pattern))
        for rule in (profile.skip if profile else ())
    )
    has_header = table.header_row.value is not None
    return Classifier(
        header_keys=tuple(normalize_header(h) for h in table.headers) if has_header else (),
        amount_columns=amount_columns,
        description_columns=columns.columns("description"),
        ignored_columns=index_columns(table.headers, table.rows),
        total_label=re.compile(
            profile.total_label if profile and profile.total_label else DEFAULT_TOTAL_LABEL
        ),
        skip=skip,
    )


def _column_index(ref: str | int, columns: ColumnMap) -> int:
    if isinstance(ref, int):
        return ref - 1
    if ref in columns.names:
        return columns.names.index(ref)
    raise ProfileError(f"a skip rule names column '{ref}', which the file does not have")


def _normalize_table(
    table: Table,
    columns: ColumnMap,
    profile: Profile | None,
    detected: dict[str, Detected],
    *,
    fiscal_year: int | None,
    ledger_file_id: int | None,
    reader_issues: Sequence[Issue] = (),
) -> NormalizeResult:
    classifier = _classifier(table, columns, profile)
    kinds = [classifier.classify(row.cells) for row in table.rows]
    # the ledger lines, by position: over `TextRows` they are parsed again when read, not held
    data_rows = RowSubset(table.rows, array("q", (i for i, kind in enumerate(kinds) if kind is RowKind.DATA)))
    rules, value_detected = decide_values(profile, columns, data_rows, table.preamble, fiscal_year)
    detected.update(value_detected)
    issues: list[Issue | IssueBlock] = [
        *reader_issues,
        *table.issues,
        *columns.issues,
        *undecided_notes(detected, columns),
    ]
    blocks, detected["inherit"] = decide_blocks(profile, columns, data_rows)
    records = _walk(
        table,
        kinds,
        ignored=classifier.ignored_columns,
        columns=columns,
        rules=rules,
        blocks=blocks,
        issues=issues,
        ledger_file_id=ledger_file_id,
    )
    checks: list[CheckResult] = []
    if RowKind.TOTAL in kinds:
        _total_checks(
            table,
            kinds,
            columns=columns,
            rules=rules,
            profile=profile,
            classifier=classifier,
            detected=detected,
            checks=checks,
            issues=issues,
        )
    control = profile.control if profile else None
    more_issues: Sequence[Issue | IssueBlock]
    if not isinstance(records, tuple) and (control is None or not table.spans):  # columns
        more_checks, more_issues = columnar_record_checks(cast("ColumnRecords", records), fiscal_year)
    else:
        more_checks, more_issues = run_record_checks(
            records,
            table.spans,
            control,
            decimal_mark=rules.decimal_mark,
            amount_scale=rules.amount_scale,
            side_tokens=rules.side_tokens,
            fiscal_year=fiscal_year,
        )
    checks.extend(more_checks)
    issues.extend(more_issues)
    more_checks, movement_issues = movement_total_checks(records, table.spans, control)
    checks.extend(more_checks)
    issues.extend(movement_issues)
    return NormalizeResult(
        records=records,
        issues=ordered_issues(issues),
        detected=detected,
        checks=tuple(checks),
        normalizer_version=NORMALIZER_VERSION,
    )


def _anchor(columns: ColumnMap, blocks: BlockRules) -> int | None:
    if "journal" in blocks.inherit and columns.columns("journal"):
        return columns.columns("journal")[0]
    if "posted_on" in blocks.inherit and columns.columns("posted_on"):
        return columns.columns("posted_on")[0]
    return None


def _walk(
    table: Table,
    kinds: list[RowKind],
    *,
    ignored: frozenset[int],
    columns: ColumnMap,
    rules: ValueRules,
    blocks: BlockRules,
    issues: list[Issue | IssueBlock],
    ledger_file_id: int | None,
) -> Sequence[Record]:
    collector = RecordCollector(ledger_file_id)
    add = collector.append
    walker = BlockWalker(blocks, emit=lambda line: add(line.to_record(ledger_file_id)))
    builder = LineBuilder(columns, rules)
    anchor = _anchor(columns, blocks)
    for row, kind in zip(table.rows, kinds, strict=True):
        if kind is RowKind.DATA:
            line, row_issues = builder.build(row)
            issues.extend(row_issues)
            if line is not None:
                starts = anchor is not None and not is_blank(cell_at(row.cells, anchor))
                walker.line(line, starts_block=starts)
        elif kind in (RowKind.NOTE, RowKind.GROUP):
            text = " ".join(t for i, c in enumerate(row.cells) if i not in ignored and (t := cell_text(c)))
            if kind is RowKind.GROUP or not walker.note(text):
                walker.group(text)
        elif kind in (RowKind.TOTAL, RowKind.HEADER):
            walker.boundary()
        elif kind is RowKind.SKIPPED:
            raw = " | ".join(t for c in row.cells if (t := cell_text(c)))
            issues.append(
                Issue(
                    row=row.number,
                    column=None,
                    raw=raw,
                    message="skipped by a profile rule",
                    severity="info",
                    code="skipped",
                )
            )
    walker.flush()
    return collector.finish()


def _total_checks(
    table: Table,
    kinds: list[RowKind],
    *,
    columns: ColumnMap,
    rules: ValueRules,
    profile: Profile | None,
    classifier: Classifier,
    detected: dict[str, Detected],
    checks: list[CheckResult],
    issues: list[Issue | IssueBlock],
) -> None:
    from normalizer.values.amounts import parse_amount

    def parse(cell: Any) -> Any:
        if is_blank(cell):
            return None
        value = parse_amount(cell, decimal_mark=rules.decimal_mark).value
        return value.scaleb(rules.amount_scale) if value is not None and rules.amount_scale else value

    findings = find_totals(
        table.rows, kinds, names=columns.names, ignored=classifier.ignored_columns, parse=parse
    )
    scope = choose_scope(findings, profile.total_scope if profile else None)
    detected["total_scope"] = scope
    check, total_issues = check_totals(findings, str(scope.value))
    checks.append(check)
    issues.extend(total_issues)

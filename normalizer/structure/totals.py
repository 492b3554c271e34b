"""Total rows are checked, not thrown away: each figure a total row states is compared with the
sum of its column over the rows it totals (since the previous total, group or header row).

QuickBooks-style reports total only a block's split lines, not its first (transaction) line;
bank and card exports often print a footer total without its sign. When no scope is declared,
the one reading (`SCOPES`) that makes every total of the file agree is detected.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from normalizer.result import CheckResult, Detected, Issue
from normalizer.structure.cells import Cell, RowLike, RowSubset, cell_at, cell_text
from normalizer.structure.classify import RowKind

#: What a total row's figure can be, in the order detection tries them: the sum of the rows it
#: totals; that sum without the block's first row (QuickBooks split totals); the sum of their
#: absolute values (card and bank exports print "Totale movimenti 100.00" under two -50.00
#: lines); the sum with the opposite sign (spending shown positive). One reading must fit every
#: total row of the file, so a single wrong figure is never explained away.
SCOPES = ("block", "block-after-first", "block-absolute", "block-negated")


@dataclass(frozen=True, slots=True, kw_only=True)
class TotalFinding:
    row: int
    column: str
    raw: str
    stated: Decimal
    sums: dict[str, Decimal]  # scope -> computed sum


def find_totals(
    rows: Sequence[RowLike],
    kinds: Sequence[RowKind],
    *,
    names: Sequence[str],
    ignored: frozenset[int],
    parse: Callable[[Cell], Decimal | None],
) -> list[TotalFinding]:
    """Every figure stated by a total row, with the sums it should equal under each scope."""
    findings: list[TotalFinding] = []
    segment = array("q")  # positions of the ledger lines since the last total, group or header
    for position, (row, kind) in enumerate(zip(rows, kinds, strict=True)):
        if kind is RowKind.DATA:
            segment.append(position)
        elif kind is RowKind.TOTAL:
            findings.extend(
                _row_findings(row, RowSubset(rows, segment), names=names, ignored=ignored, parse=parse)
            )
            segment = array("q")
        elif kind in (RowKind.GROUP, RowKind.HEADER):
            segment = array("q")
    return findings


def _row_findings(
    row: RowLike,
    segment: Sequence[RowLike],
    *,
    names: Sequence[str],
    ignored: frozenset[int],
    parse: Callable[[Cell], Decimal | None],
) -> list[TotalFinding]:
    filled = [i for i, c in enumerate(row.cells) if i not in ignored and cell_text(c)]
    findings = []
    for column in filled[1:]:  # the first filled cell is the label
        stated = parse(row.cells[column])
        if stated is None:
            continue
        if _only_text(segment, column, parse):
            continue  # a text column (a count under the descriptions): the number totals nothing
        block, after_first, absolute = _sums(segment, column, parse)
        findings.append(
            TotalFinding(
                row=row.number,
                column=names[column] if column < len(names) else f"column_{column + 1}",
                raw=cell_text(row.cells[column]),
                stated=stated,
                sums={
                    "block": block,
                    "block-after-first": after_first,
                    "block-absolute": absolute,
                    "block-negated": -block,
                },
            )
        )
    return findings


def _only_text(segment: Sequence[RowLike], column: int, parse: Callable[[Cell], Decimal | None]) -> bool:
    """True when the column has written cells above the total and none of them is a number."""
    written = False
    for r in segment:
        cell = cell_at(r.cells, column)
        if cell_text(cell):
            if parse(cell) is not None:
                return False
            written = True
    return written


def _sums(
    segment: Sequence[RowLike], column: int, parse: Callable[[Cell], Decimal | None]
) -> tuple[Decimal, Decimal, Decimal]:
    """The column's sum over the segment, that sum without its first line, and the sum of magnitudes.

    One pass, adding in row order as `sum()` over the list of values would: the same Decimals.
    """
    block = absolute = Decimal(0)
    first: Decimal | None = None
    for r in segment:
        value = parse(cell_at(r.cells, column)) or Decimal(0)
        if first is None:
            first = value
        block += value
        absolute += abs(value)
    return block, (block if first is None else block - first), absolute


def choose_scope(findings: Sequence[TotalFinding], declared: str | None) -> Detected:
    """The declared scope, else the first scope under which every total agrees, else "block"."""
    if declared is not None:
        return Detected(value=declared, confidence=1.0, source="profile")
    for scope in SCOPES:
        if all(f.sums[scope] == f.stated for f in findings):
            return Detected(value=scope, confidence=1.0 if findings else 0.5, source="detected")
    return Detected(value="block", confidence=0.3, source="default")


def check_totals(findings: Sequence[TotalFinding], scope: str) -> tuple[CheckResult, list[Issue]]:
    """One check over all total rows, and an issue for each figure that disagrees."""
    issues = []
    details = []
    for f in findings:
        computed = f.sums[scope]
        ok = computed == f.stated
        details.append(
            {
                "row": f.row,
                "column": f.column,
                "stated": str(f.stated),
                "computed": str(computed),
                "passed": ok,
            }
        )
        if not ok:
            issues.append(
                Issue(
                    row=f.row,
                    column=f.column,
                    raw=f.raw,
                    message=f"the total row states {f.stated} but the rows it totals sum to {computed}",
                    severity="warning",
                    code="total-mismatch",
                )
            )
    rows = len({f.row for f in findings})
    passed = not issues
    message = (
        f"{rows} total row(s) agree with the rows they total"
        if passed
        else f"{len(issues)} figure(s) of {rows} total row(s) disagree with the rows they total"
    )
    return CheckResult(
        name="total_rows", passed=passed, message=message, details={"scope": scope, "figures": details}
    ), issues

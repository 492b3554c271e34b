"""Footer totals: which reading of a total row's figure fits, chosen once for the whole file."""

from __future__ import annotations

from decimal import Decimal

from normalizer.structure.cells import Cell, PlainRow
from normalizer.structure.classify import RowKind
from normalizer.structure.totals import check_totals, choose_scope, find_totals


def _parse(cell: Cell) -> Decimal | None:
    return Decimal(cell) if isinstance(cell, str) and cell.strip() else None


def _findings(blocks: list[tuple[list[str], str]]) -> list:  # type: ignore[type-arg]
    rows: list[PlainRow] = []
    kinds: list[RowKind] = []
    for amounts, stated in blocks:
        for amount in amounts:
            rows.append(PlainRow(len(rows) + 1, ("2024-01-01", amount)))
            kinds.append(RowKind.DATA)
        rows.append(PlainRow(len(rows) + 1, ("Total", stated)))
        kinds.append(RowKind.TOTAL)
    return find_totals(rows, kinds, names=["Date", "Amount"], ignored=frozenset(), parse=_parse)


def test_signed_footer_is_read_as_the_sum() -> None:
    assert choose_scope(_findings([(["-50", "20"], "-30")]), None).value == "block"


def test_footer_without_its_sign_is_read_as_the_sum_of_absolute_values() -> None:
    findings = _findings([(["-50", "-50"], "100")])
    scope = choose_scope(findings, None)
    assert scope.value == "block-absolute"
    check, issues = check_totals(findings, str(scope.value))
    assert check.passed and not issues


def test_one_reading_must_fit_every_total_of_the_file() -> None:
    # the first block fits only "block", the second only "block-negated": no reading explains
    # both, so the default is kept and the second total is reported
    findings = _findings([(["-50", "20"], "-30"), (["10", "5"], "-15")])
    scope = choose_scope(findings, None)
    assert scope.value == "block"
    assert scope.confidence < 1
    check, issues = check_totals(findings, str(scope.value))
    assert not check.passed
    assert [i.raw for i in issues] == ["-15"]


def test_a_wrong_unsigned_footer_still_fails() -> None:
    findings = _findings([(["-50", "-50"], "90")])
    check, issues = check_totals(findings, str(choose_scope(findings, None).value))
    assert not check.passed
    assert len(issues) == 1


def test_a_number_under_a_text_column_is_not_a_total_of_it() -> None:
    rows = [
        PlainRow(1, ("2024-01-01", "Rent", "100.00")),
        PlainRow(2, ("2024-01-02", "Fees", "25.00")),
        PlainRow(3, ("Totals", "2", "125.00")),  # "2" counts the lines under Description
    ]
    kinds = [RowKind.DATA, RowKind.DATA, RowKind.TOTAL]
    findings = find_totals(
        rows, kinds, names=["Date", "Description", "Amount"], ignored=frozenset(), parse=_parse_loose
    )
    assert [f.column for f in findings] == ["Amount"]
    check, issues = check_totals(findings, "block")
    assert check.passed and not issues


def test_an_empty_column_is_still_checked() -> None:
    rows = [PlainRow(1, ("2024-01-01", "", "100.00")), PlainRow(2, ("Totals", "5.00", "100.00"))]
    findings = find_totals(
        rows, [RowKind.DATA, RowKind.TOTAL], names=["Date", "Debit", "Credit"], ignored=frozenset(),
        parse=_parse_loose,
    )  # fmt: skip
    check, issues = check_totals(findings, "block")
    assert not check.passed
    assert [i.column for i in issues] == ["Debit"]


def _parse_loose(cell: Cell) -> Decimal | None:
    try:
        return _parse(cell)
    except ArithmeticError:
        return None

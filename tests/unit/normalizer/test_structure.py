"""Structure stages on hand-built rows (no reader involved)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from normalizer.structure.assemble import Line
from normalizer.structure.blocks import BlockRules, BlockWalker, account_from_group
from normalizer.structure.cells import PlainRow, cell_text
from normalizer.structure.classify import DEFAULT_TOTAL_LABEL, Classifier, RowKind, index_columns
from normalizer.structure.header import find_header
from normalizer.structure.totals import check_totals, choose_scope, find_totals


def _classifier() -> Classifier:
    return Classifier(
        header_keys=("date", "account", "description", "debit", "credit"),
        amount_columns=(3, 4),
        description_columns=(2,),
        ignored_columns=frozenset(),
        total_label=re.compile(DEFAULT_TOTAL_LABEL),
    )


def test_row_kinds() -> None:
    c = _classifier()
    assert c.classify(["", " ", ""]) is RowKind.BLANK
    assert c.classify(["Date", "Account", "Description", "Debit", "Credit"]) is RowKind.HEADER
    assert c.classify(["Total", "", "", "10.00", "10.00"]) is RowKind.TOTAL
    assert c.classify(["Summe Konto 1200", "", "", "10,00", ""]) is RowKind.TOTAL
    assert c.classify(["", "", "Account: 101 - Cash", "", ""]) is RowKind.NOTE
    assert c.classify(["Apr 9 - Aug 18, '26", "", "", "", ""]) is RowKind.GROUP
    assert c.classify(["2024-01-01", "1000", "Total rent", "5", ""]) is RowKind.DATA


def test_header_found_past_preamble() -> None:
    rows = [
        PlainRow(1, ("Acme",)),
        PlainRow(2, ("Report", "Amount")),
        PlainRow(3, ("Date", "Account", "Debit", "Credit")),
    ]
    choice = find_header(rows)
    assert choice is not None and choice.row_number == 3


def test_index_columns() -> None:
    rows = [PlainRow(i, (Decimal(i), "x")) for i in range(2, 6)]
    assert index_columns(["", "Description"], rows) == frozenset({0})
    assert index_columns(["Qty", "Description"], rows) == frozenset()


def test_account_group_rows() -> None:
    assert account_from_group("Account: 101 - Cash") == ("101", "Cash")
    assert account_from_group("Konto 1200 Bank") == ("1200", "Bank")
    assert account_from_group("Apr 9 - Aug 18") is None


def _line(row: int, *, date: dt.date | None, journal: str = "", description: str = "") -> Line:
    return Line(
        row=row, texts={"journal": journal, "description": description}, posted_on=date,
        debit=Decimal(1), credit=Decimal(0), currency="",
    )  # fmt: skip


def test_continuation_lines_inherit_and_get_synthetic_journals() -> None:
    out: list[Line] = []
    walker = BlockWalker(
        BlockRules(inherit=("posted_on", "description"), synthesize_journal=True), out.append
    )
    day = dt.date(2024, 9, 1)
    walker.line(_line(2, date=day, description="Rent"), starts_block=True)
    walker.line(_line(3, date=None), starts_block=False)
    walker.line(_line(5, date=dt.date(2024, 9, 3)), starts_block=True)
    walker.line(_line(6, date=None), starts_block=False)
    assert walker.note("Bought supplies")
    walker.flush()
    assert [(x.row, x.posted_on, x.texts["journal"], x.texts["description"]) for x in out] == [
        (2, day, "1", "Rent"), (3, day, "1", "Rent"),
        (5, dt.date(2024, 9, 3), "2", "Bought supplies"), (6, dt.date(2024, 9, 3), "2", "Bought supplies"),
    ]  # fmt: skip


def test_group_row_sets_account() -> None:
    out: list[Line] = []
    walker = BlockWalker(BlockRules(), out.append)
    walker.group("Account: 102 - Accounts Receivable")
    walker.line(_line(4, date=None), starts_block=False)
    walker.flush()
    assert (out[0].texts["account"], out[0].texts["account_name"]) == ("102", "Accounts Receivable")


def test_totals_scope_detected() -> None:
    rows = [
        PlainRow(1, ("", "-30.20", "")),
        PlainRow(2, ("", "30.20", "-30.20")),
        PlainRow(3, ("TOTAL", "30.20", "-30.20")),
    ]
    kinds = [RowKind.DATA, RowKind.DATA, RowKind.TOTAL]

    def parse(cell: object) -> Decimal | None:
        text = cell_text(cell)  # type: ignore[arg-type]
        return Decimal(text) if text else None

    findings = find_totals(rows, kinds, names=["label", "Original", "Paid"], ignored=frozenset(), parse=parse)
    scope = choose_scope(findings, None)
    assert scope.value == "block-after-first"
    check, issues = check_totals(findings, "block")
    assert not check.passed and len(issues) == 1 and issues[0].column == "Original"


def test_line_to_record_gives_the_validated_record() -> None:
    """`Line.to_record` skips `Record`'s guard only for values the guard would take as they are."""
    from normalizer import Record

    def line(debit: Decimal, credit: Decimal, posted_on: dt.date | None = dt.date(2025, 1, 2)) -> Line:
        texts = {"account": "1000", "journal": "J1"}
        return Line(row=3, texts=texts, posted_on=posted_on, debit=debit, credit=credit, currency="EUR",
                    attributes={"Dept": "Ops"})  # fmt: skip

    for debit, credit in [(Decimal("1234.5"), Decimal(0)), (Decimal("0.000"), Decimal("7.125000"))]:
        made = line(debit, credit).to_record(9)
        expected = Record(
            ledger_file_id=9, row_number=3, posted_on=dt.date(2025, 1, 2), account="1000",
            account_name="", description="", reference="", journal="J1", debit=debit,
            credit=credit, currency="EUR", attributes={"Dept": "Ops"},
        )  # fmt: skip
        assert type(made) is Record and made == expected
        assert (str(made.debit), str(made.credit)) == (str(expected.debit), str(expected.credit))
    with pytest.raises(ValueError, match="must not be negative"):
        line(Decimal(-1), Decimal(0)).to_record(None)
    with pytest.raises(TypeError, match="not a datetime"):
        line(Decimal(1), Decimal(0), dt.datetime(2025, 1, 2, 3)).to_record(None)

"""Bank statement standards (fixtures/readers/bank/) are detected by content, read by their
shipped profile, and their own totals records are checked against the movements."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from normalizer import normalize
from normalizer.canonical import jsonl_lines

BANK = Path(__file__).parents[3] / "fixtures" / "readers" / "bank"


def _files() -> list[Path]:
    return sorted(p for p in BANK.iterdir() if not p.name.endswith((".json", ".jsonl", ".md")))


@pytest.mark.parametrize("source", _files(), ids=lambda p: p.name)
def test_statement_gives_its_golden_records_and_checks(source: Path) -> None:
    expected = json.loads(source.with_name(source.name + ".expected.json").read_text(encoding="utf-8"))
    result = normalize(source)  # no profile: detected from the content
    assert result.detected["profile"].value == expected["profile"]
    got = b"".join(jsonl_lines(result.records)).decode()
    assert got == source.with_name(source.name + ".expected.jsonl").read_text(encoding="utf-8")
    assert [(i.row, i.column, i.code, i.raw) for i in result.issues] == [
        tuple(issue) for issue in expected["issues"]
    ]
    checks = {c.name: c for c in result.checks}
    for name, figures in expected["checks"].items():
        check = checks[name]
        if name == "movement_total":
            stated = {"total": (check.details["stated"], check.passed)}
        else:
            stated = {key: (f["stated"], f["passed"]) for key, f in check.details["figures"].items()}
        assert stated == {key: tuple(value) for key, value in figures.items()}
        assert check.passed is all(passed for _, passed in figures.values())
    # a statement whose total is wrong fails its check; every other check of the file passes
    wrong = "wrong-total" in source.name
    assert any(not c.passed for c in result.checks) is wrong
    assert [i.code for i in result.issues] == (["control-mismatch"] if wrong else [])


def test_bai2_checks_each_account_on_its_own() -> None:
    data = (
        b"01,BANK,CUST,240305,0630,1,,,2/\n"
        b"02,CUST,BANK,1,240304,,USD,2/\n"
        b"03,111,,010,100000,,/\n"
        b"16,165,5000,Z,R1,,first account/\n"
        b"49,105000,3/\n"
        b"03,222,EUR,010,,,,/\n"
        b"16,475,700,Z,R2,,second account/\n"
        b"16,115,300,V,240305,1200,R3,,value dated/\n"
        b"49,1001,4/\n"
        b"98,106001,2,9/\n"
        b"99,106001,1,11/\n"
    )
    result = normalize(data)
    assert result.detected["profile"].value == "bai2"
    assert [(r.account, r.currency, r.debit, r.credit, r.reference) for r in result.records] == [
        ("111", "USD", 0, Decimal("50.00"), "R1"),
        ("222", "EUR", Decimal("7.00"), 0, "R2"),
        ("222", "EUR", 0, Decimal("3.00"), "R3"),  # funds type V: value date and time skipped
    ]
    totals = [c for c in result.checks if c.name == "movement_total"]
    assert [(c.details["computed"], c.passed) for c in totals] == [("50.00", True), ("10.00", False)]
    (issue,) = result.issues
    assert issue.code == "control-mismatch" and issue.row == 9

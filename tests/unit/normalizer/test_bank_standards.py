"""Bank statement standards (fixtures/readers/bank/) are detected by content, read by their
shipped profile, and their own totals records are checked against the movements."""

from __future__ import annotations

import json
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

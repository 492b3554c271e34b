"""Hand-written fixtures (fixtures/normalizer/<case>/) give exactly their golden records and issues."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from normalizer import normalize
from normalizer.canonical import jsonl_lines

CASES = Path(__file__).parents[3] / "fixtures" / "normalizer"


def _case_dirs() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if p.is_dir())


@pytest.mark.parametrize("case", _case_dirs(), ids=lambda p: p.name)
def test_golden_records(case: Path) -> None:
    (source,) = case.glob("input.*")
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    result = normalize(source, **expected.get("options", {}))
    got = b"".join(jsonl_lines(result.records)).decode()
    assert got == (case / "expected.jsonl").read_text(encoding="utf-8")
    issues = [
        {key: issue.as_dict()[key] for key in wanted}
        for issue, wanted in zip(result.issues, expected["issues"], strict=False)
    ]
    assert len(result.issues) == len(expected["issues"]), [i.as_dict() for i in result.issues]
    assert issues == expected["issues"]
    checks = {c.name: c.passed for c in result.checks}
    for name, passed in expected.get("checks", {}).items():
        assert checks.get(name) is passed, name


def test_total_mismatch_names_both_figures() -> None:
    result = normalize(CASES / "total_disagree" / "input.csv")
    (issue,) = result.issues
    assert "110.00" in issue.message and "100.00" in issue.message


def test_ambiguous_amount_keeps_raw_value_in_issue() -> None:
    result = normalize(CASES / "ambiguous_amount" / "input.csv")
    error = next(i for i in result.issues if i.severity == "error")
    assert error.raw == "1,234"
    assert "ambiguous" in error.message.lower() or "two" in error.message.lower()


def test_same_bytes_same_records() -> None:
    data = (CASES / "continuation" / "input.csv").read_bytes()
    first: Any = normalize(data)
    second: Any = normalize(data)
    assert first.records == second.records
    assert first.detected == second.detected

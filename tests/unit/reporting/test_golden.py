"""Rendered reports compared byte for byte with the hand-written files in fixtures/reports."""

from __future__ import annotations

import pytest

import reporting
from normalizer.canonical import jsonl_lines, record_from_json
from tests.unit.reporting.ledger import FIXTURES, SOURCE, ledger


def test_the_fixture_ledger_is_the_hand_built_one() -> None:
    lines = (FIXTURES / "ledger.jsonl").read_bytes().splitlines(keepends=True)
    assert [record_from_json(line) for line in lines] == ledger()
    assert b"".join(jsonl_lines(ledger())) == (FIXTURES / "ledger.jsonl").read_bytes()


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_trial_balance(fmt: str) -> None:
    table = reporting.trial_balance(ledger(), source=SOURCE)
    assert reporting.render(table, fmt) == (FIXTURES / f"trial-balance.{fmt}").read_bytes()


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_cost_summary(fmt: str) -> None:
    mapping = reporting.CostMapping.load(FIXTURES / "mapping.toml")
    table = reporting.cost_summary(
        ledger(), mapping, rate="15%", date_from="2025-01-01", date_to="2025-12-31", source=SOURCE
    )
    assert reporting.render(table, fmt) == (FIXTURES / f"cost-summary.{fmt}").read_bytes()

"""Reports by name: which parameters each takes, checked before any record is read."""

from __future__ import annotations

import pytest

import reporting
from reporting import ReportParameterError, ReportParams, report_spec
from tests.unit.reporting.ledger import FIXTURES, SOURCE, d, ledger


def test_every_report_is_listed() -> None:
    assert list(reporting.REPORTS) == [
        "trial-balance",
        "gl-detail",
        "period-summary",
        "journal-check",
        "cost-summary",
        "compare",
    ]


@pytest.mark.parametrize(
    ("name", "ledgers", "params", "message"),
    [
        ("trial-balance", 1, ReportParams(rate="15%"), "--rate: trial-balance does not take --rate"),
        ("journal-check", 1, ReportParams(accounts="6*"), "does not take --accounts"),
        ("cost-summary", 1, ReportParams(), "--mapping: cost-summary needs --mapping"),
        ("compare", 1, ReportParams(), "compare takes two ledger file ids"),
        ("gl-detail", 2, ReportParams(), "gl-detail takes one ledger file id, got 2"),
        ("gl-detail", 1, ReportParams(date_from="2025-13-01"), "from: '2025-13-01' is not a date"),
        ("gl-detail", 1, ReportParams(date_from="2025-02-01", date_to="2025-01-01"), "is after --to"),
        ("gl-detail", 1, ReportParams(accounts="6*0"), "use an account code"),
        ("period-summary", 1, ReportParams(fiscal_start_month=0), "0 is not a month"),
        ("cost-summary", 1, ReportParams(mapping="m.toml", rate="x"), "rate: 'x' is not a number"),
    ],
)
def test_bad_arguments_are_refused_up_front(
    name: str, ledgers: int, params: ReportParams, message: str
) -> None:
    with pytest.raises(ReportParameterError, match=message):
        report_spec(name).check(ledgers, params)


def test_an_unknown_report_names_the_known_ones() -> None:
    with pytest.raises(ReportParameterError, match="'balance' is not one of trial-balance, gl-detail"):
        report_spec("balance")


def test_running_by_name_is_the_same_as_calling_the_function() -> None:
    params = ReportParams(mapping=FIXTURES / "mapping.csv", rate=d("0.10"), date_to="2025-06-30")
    by_name = report_spec("cost-summary").run([ledger()], params, [SOURCE])
    direct = reporting.cost_summary(
        ledger(),
        reporting.CostMapping.load(FIXTURES / "mapping.csv"),
        rate="10%",
        date_to="2025-06-30",
        source=SOURCE,
    )
    assert reporting.render(by_name, "csv") == reporting.render(direct, "csv")
    compared = report_spec("compare").run([ledger(), ledger()], ReportParams(accounts="6*"))
    assert compared.section("summary").rows == ((4, 4, 4, 0, 0),)

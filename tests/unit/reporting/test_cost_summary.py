"""Cost summary and mapping files: categories, flags and the indirect cost, by hand."""

from __future__ import annotations

import pytest

from reporting import CostMapping, MappingFileError, ReportParameterError, cost_summary
from tests.unit.reporting.ledger import FIXTURES, HYPERLINK, d, ledger

Z = d("0.00")


def _mapping() -> CostMapping:
    return CostMapping.load(FIXTURES / "mapping.toml")


def test_categories_totals_and_indirect_cost_at_15_percent() -> None:
    table = cost_summary(ledger(), _mapping(), rate="15%")
    assert table.section("categories").rows == (
        ("Facilities", "indirect-base", "EUR", 0, Z, Z, Z),
        ("Facilities", "indirect-base", "USD", 1, d("500.00"), Z, d("500.00")),
        ("Supplies", "indirect-base", "EUR", 0, Z, Z, Z),
        ("Supplies", "indirect-base", "USD", 1, d("89.90"), Z, d("89.90")),  # 6150 is Travel: exact code wins
        ("Travel", "direct", "EUR", 0, Z, Z, Z),
        ("Travel", "direct", "USD", 1, d("250.00"), Z, d("250.00")),
        ("Entertainment", "excluded", "EUR", 0, Z, Z, Z),
        ("Entertainment", "excluded", "USD", 1, d("75.25"), Z, d("75.25")),
        ("(unmapped)", "unmapped", "EUR", 2, d("100.00"), d("100.00"), Z),
        ("(unmapped)", "unmapped", "USD", 3, d("1234.56"), d("2139.71"), d("-905.15")),
    )
    assert table.section("totals").rows == (
        ("direct costs", "EUR", Z),
        ("indirect-cost base", "EUR", Z),
        ("indirect cost (0.15 × base)", "EUR", d("0")),
        ("total costs", "EUR", Z),
        ("excluded", "EUR", Z),
        ("unmapped", "EUR", Z),
        ("direct costs", "USD", d("839.90")),  # 250.00 direct + 589.90 base
        ("indirect-cost base", "USD", d("589.90")),  # 500.00 + 89.90
        ("indirect cost (0.15 × base)", "USD", d("88.485")),  # exact, not rounded
        ("total costs", "USD", d("928.385")),
        ("excluded", "USD", d("75.25")),
        ("unmapped", "USD", d("-905.15")),
    )
    assert table.section("accounts").rows == (
        ("1200", "Bank", "USD", "(unmapped)", "unmapped", d("419.31")),
        ("1210", HYPERLINK, "EUR", "(unmapped)", "unmapped", d("100.00")),
        ("2000", "Accounts payable", "USD", "(unmapped)", "unmapped", d("-89.90")),
        ("4000", "Sales", "EUR", "(unmapped)", "unmapped", d("-100.00")),
        ("4000", "Sales", "USD", "(unmapped)", "unmapped", d("-1234.56")),
        ("6000", "Rent", "USD", "Facilities", "indirect-base", d("500.00")),
        ("6100", "Office supplies", "USD", "Supplies", "indirect-base", d("89.90")),
        ("6150", "Travel", "USD", "Travel", "direct", d("250.00")),
        ("6900", "Entertainment", "USD", "Entertainment", "excluded", d("75.25")),
    )
    sha = _mapping().sha256
    assert table.provenance.parameters == (
        ("mapping", "mapping.toml"),
        ("mapping_sha256", sha),
        ("rate", "0.15"),
    )


def test_without_a_rate_there_are_no_indirect_lines_and_a_range_applies() -> None:
    table = cost_summary(ledger(), _mapping(), date_to="2025-02-28")
    usd = [row for row in table.section("totals").rows if row[1] == "USD"]
    assert usd == [
        ("direct costs", "USD", d("589.90")),
        ("indirect-cost base", "USD", d("589.90")),
        ("excluded", "USD", Z),
        ("unmapped", "USD", d("-589.90")),  # 1200: 1234.56 - 500.00; 2000: -89.90; 4000: -1234.56
    ]


def test_the_csv_mapping_maps_the_same_way() -> None:
    toml, csv = _mapping(), CostMapping.load(FIXTURES / "mapping.csv")
    assert toml.categories == csv.categories
    for account in ("6000", "6099", "6100", "6150", "6199", "6900", "600", "60000", "1200", "6100-1"):
        assert toml.category_of(account) == csv.category_of(account), account
    assert [toml.category_of(a) and toml.category_of(a).name for a in ("6099", "6100-1", "60000")] == [  # type: ignore[union-attr]
        "Facilities",
        "Supplies",
        None,
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[category]]\nname = "A"\nflag = "indirect"\naccounts = ["1"]\n', "flag 'indirect' is not one of"),
        ('[[category]]\nname = "A"\nflag = "direct"\naccounts = ["9-1"]\n', "range '9-1' runs backwards"),
        ('[[category]]\nname = "A"\nflag = "direct"\n', r"\(A\) needs accounts"),
        ('[[category]]\nname = "A"\nflag = "direct"\naccounts = ["1"]\ncolour = 1\n', "unknown keys colour"),
        (
            '[[category]]\nname = "A"\nflag = "direct"\naccounts = ["1"]\n'
            '[[category]]\nname = "B"\nflag = "direct"\naccounts = ["1"]\n',
            "account 1 is mapped to both 'A' and 'B'",
        ),
        ("category = 1\n", r"expected one or more \[\[category\]\] tables"),
        ("[[category]\n", "not valid TOML"),
    ],
)
def test_toml_mistakes_are_named(text: str, message: str) -> None:
    with pytest.raises(MappingFileError, match=message):
        CostMapping.parse(text.encode(), name="m.toml", fmt="toml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("code,category\n", "m.csv, line 1: the header must be account,category,flag"),
        ("account,category,flag\n1,A,direct\n2,A,excluded\n", "line 3: category 'A' is flagged both"),
        ("account,category,flag\n1,(unmapped),direct\n", "line 2: the name \\(unmapped\\) is reserved"),
        ("account,category,flag\n", "maps no accounts"),
    ],
)
def test_csv_mistakes_name_the_line(text: str, message: str) -> None:
    with pytest.raises(MappingFileError, match=message):
        CostMapping.parse(text.encode(), name="m.csv", fmt="csv")


def test_a_csv_flag_may_be_left_empty_after_the_first_line() -> None:
    mapping = CostMapping.parse(b"account,category,flag\n1,A,direct\n2,A,\n", name="m.csv", fmt="csv")
    assert mapping.category_of("2") == mapping.category_of("1")


@pytest.mark.parametrize(
    ("rate", "expected"), [("0.15", "88.485"), ("15%", "88.485"), ("0", "0"), (d("1"), "589.90")]
)
def test_rates(rate: str, expected: str) -> None:
    totals = cost_summary(ledger(), _mapping(), rate=rate).section("totals").rows
    assert [row[2] for row in totals if str(row[0]).startswith("indirect cost") and row[1] == "USD"] == [
        d(expected)
    ]


@pytest.mark.parametrize("rate", ["-1%", "abc", "NaN", "Infinity"])
def test_bad_rates_are_refused(rate: str) -> None:
    with pytest.raises(ReportParameterError, match="rate"):
        cost_summary(ledger(), _mapping(), rate=rate)


def test_a_float_rate_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="Decimal or a string"):
        cost_summary(ledger(), _mapping(), rate=0.15)  # type: ignore[arg-type]

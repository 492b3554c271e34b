"""parse_amount and infer_decimal_mark, notation by notation (values from real exports marked)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest

from normalizer.values import (
    MARK_CONTRADICTED,
    MARK_UNDECIDED,
    NO_MARK_NEEDED,
    ParsedAmount,
    infer_decimal_mark,
    parse_amount,
)

NBSP, NNBSP = "\u00a0", "\u202f"

# (raw, declared decimal mark, expected value as text, expected currency)
READS = [
    ("1234.56", ".", "1234.56", None),
    ("1234.56", None, "1234.56", None),
    ("1,234.56", ".", "1234.56", None),
    ("1,234.56", None, "1234.56", None),
    ("1,234,567.891", None, "1234567.891", None),
    ("1.234,56", ",", "1234.56", None),
    ("1.234,56", None, "1234.56", None),
    ("1 234,56", ",", "1234.56", None),
    ("1 234,56", None, "1234.56", None),
    (f"1{NBSP}234,56", ",", "1234.56", None),
    (f"1{NNBSP}234{NNBSP}567,5", None, "1234567.5", None),
    ("1 234 567", None, "1234567", None),
    ("1'234.56", ".", "1234.56", None),
    ("1'234'567.50", None, "1234567.50", None),
    ("1’234.56", None, "1234.56", None),
    ("(1,234.56)", ".", "-1234.56", None),
    ("(1.234,56)", ",", "-1234.56", None),
    ("1234.56-", ".", "-1234.56", None),
    ("1.234,56-", ",", "-1234.56", None),
    ("1234.56−", None, "-1234.56", None),
    ("+12", None, "12", None),
    ("+1.001,00", ",", "1001.00", None),
    ("-12", None, "-12", None),
    ("−12.5", ".", "-12.5", None),
    ("$1,000.00", ".", "1000.00", "$"),
    ("-$1,000.00", ".", "-1000.00", "$"),
    ("$-1,000.00", ".", "-1000.00", "$"),
    ("- $ 1,000.00", ".", "-1000.00", "$"),
    ("($1,000.00)", ".", "-1000.00", "$"),
    ("$(1,000.00)", ".", "-1000.00", "$"),
    ("€12", ".", "12", "EUR"),
    ("12,50 €", ",", "12.50", "EUR"),
    ("12,50€", None, "12.50", "EUR"),
    ("-12,50 €", ",", "-12.50", "EUR"),
    ("£5.00", None, "5.00", "GBP"),
    ("¥1,000", ".", "1000", "¥"),
    ("CHF 1'234.50", None, "1234.50", "CHF"),
    ("1.234,50 CHF", None, "1234.50", "CHF"),
    ("EUR 12", None, "12", "EUR"),
    ("USD 12.00", ".", "12.00", "USD"),
    ("USD -12.00", ".", "-12.00", "USD"),
    ("-USD 12.00", ".", "-12.00", "USD"),
    ("12.00 GBP", ".", "12.00", "GBP"),
    ("12.00GBP", ".", "12.00", "GBP"),
    ("12.00 USD-", ".", "-12.00", "USD"),
    ("(USD 12.00)", ".", "-12.00", "USD"),
    ("XBT 0.5", None, "0.5", "XBT"),
    ("US$5", None, "5", "USD"),
    ("1 234,56 zł", None, "1234.56", "PLN"),
    ("12,50 kr", None, "12.50", "kr"),
    (".50", ".", "0.50", None),
    (",50", ",", "0.50", None),
    ("-.50", None, "-0.50", None),
    ("5.", ".", "5", None),
    ("1,234.", ".", "1234", None),
    ("0", None, "0", None),
    ("0.00", None, "0.00", None),
    ("-0.00", ".", "0.00", None),
    ("(0.00)", ".", "0.00", None),
    ("   12.5  ", ".", "12.5", None),
    (f"{NBSP}12,5{NBSP}", ",", "12.5", None),
    ("\t-1.001,00 ", ",", "-1001.00", None),
    ("12", ",", "12", None),
    ("1.234.567", ",", "1234567", None),
    ("1,234,567", ".", "1234567", None),
    ("0.000001", None, "0.000001", None),
    ("123456789012345678901234567890.123456789", ".", "123456789012345678901234567890.123456789", None),
    # Indian lakh/crore grouping is read (it reads one way only)
    ("1,23,456.00", ".", "123456.00", None),
    ("1,23,45,678", None, "12345678", None),
    ("12,34,567.5", None, "1234567.5", None),
    # Excel's accounting format writes zero as a dash
    ("-", ".", "0", None),
    (" $ - ", None, "0", "$"),
    ("–", None, "0", None),
    # unambiguous without a declared mark
    ("12,5", None, "12.5", None),
    ("12,50", None, "12.50", None),
    ("1234,567", None, "1234.567", None),
    ("0,123", None, "0.123", None),
    ("0.123", None, "0.123", None),
    ("1234.567", None, "1234.567", None),
    ("1.234.567", None, "1234567", None),
    ("1,234,567", None, "1234567", None),
    ("1.234,5", None, "1234.5", None),
    ("1 234.567", None, "1234.567", None),
    ("1234", None, "1234", None),
    # real exports: GnuCash, QuickBooks, DATEV, easybank, Odoo, Adyen, Sage Intacct, hledger
    ("-$1,000.00", None, "-1000.00", "$"),
    ("$2,000.00", None, "2000.00", "$"),
    ("-1,000.00", None, "-1000.00", None),
    ("24,265.00", None, "24265.00", None),
    ("-23,995.00", None, "-23995.00", None),
    ("1,185.90", None, "1185.90", None),
    ("-1,185.90", None, "-1185.90", None),
    ("(711.12)", None, "-711.12", None),
    ("-30.20", None, "-30.20", None),
    ("24,95", ",", "24.95", None),
    ("24,95", None, "24.95", None),
    ("5950,00", ",", "5950.00", None),
    ("5950,00", None, "5950.00", None),
    ("-1.001,00", ",", "-1001.00", None),
    ("-1.001,00", None, "-1001.00", None),
    ("+1,23", None, "1.23", None),
    ("-0,42", None, "-0.42", None),
    ("12042,12", None, "12042.12", None),
    ("2492.5", None, "2492.5", None),
    ("-6825", None, "-6825", None),
    ("31.45", None, "31.45", None),
    ("26.2", None, "26.2", None),
]


@pytest.mark.parametrize(("raw", "mark", "expected", "currency"), READS)
def test_reads_notation(raw: str, mark: str | None, expected: str, currency: str | None) -> None:
    parsed = parse_amount(raw, decimal_mark=mark)
    assert parsed.error is None
    assert parsed.value is not None
    assert str(parsed.value) == expected  # same digits and exponent: nothing rounded
    assert parsed.currency == currency


# (raw, declared decimal mark, a fragment the error must contain)
ERRORS = [
    ("1,234", None, "ambiguous"),
    ("1.234", None, "ambiguous"),
    ("-1,234", None, "ambiguous"),
    ("$123.456", None, "ambiguous"),
    ("999,999", None, "ambiguous"),
    ("12abc", ".", "'12abc'"),
    ("abc", None, "not an amount"),
    ("1.2.3", ".", "'1.2.3'"),
    ("1.2.3", None, "'1.2.3'"),
    ("1.2.3", ",", "'1.2.3'"),
    ("1,2,3", None, "'1,2,3'"),
    ("12,50", ".", "does not fit the decimal mark"),
    ("1.234,56", ".", "does not fit the decimal mark"),
    ("1,234.56", ",", "does not fit the decimal mark"),
    ("1234.5", ",", "does not fit the decimal mark"),
    ("1,23", ".", "does not fit the decimal mark"),
    ("1,2345.00", ".", "'1,2345.00'"),
    ("12,345,67.00", ".", "'12,345,67.00'"),
    ("1 234,567 890", ",", "'1 234,567 890'"),
    ("1,234 567.00", ".", "'1,234 567.00'"),
    ("0,123.00", ".", "'0,123.00'"),
    ("6.4%", ".", "percentage"),
    ("6,4 %", None, "percentage"),
    ("--5", None, "'--5'"),
    ("-5-", None, "'-5-'"),
    ("(-5)", None, "sign and parentheses"),
    ("+(5)", None, "sign and parentheses"),
    ("(5", None, "'(5'"),
    ("$", None, "'$'"),
    ("()", None, "'()'"),
    ("1e5", None, "'1e5'"),
    ("1E+05", None, "'1E+05'"),
    ("NaN", None, "'NaN'"),
    ("Infinity", None, "'Infinity'"),
    ("١٢٣", None, "not an amount"),
    ("1_000", None, "not an amount"),
    ("$5 USD", None, "not an amount"),
    ("5 CR", None, "not an amount"),
    ("usd 5", None, "not an amount"),
    (".", ".", "not an amount"),
    (",", None, "not an amount"),
]


@pytest.mark.parametrize(("raw", "mark", "fragment"), ERRORS)
def test_refuses(raw: str, mark: str | None, fragment: str) -> None:
    parsed = parse_amount(raw, decimal_mark=mark)
    assert parsed.value is None
    assert parsed.error is not None
    assert fragment in parsed.error


def test_ambiguous_message_gives_both_readings_and_the_fix() -> None:
    message = parse_amount("1,234", decimal_mark=None).error
    assert message == (
        "ambiguous amount '1,234': 1234 if ',' separates thousands, 1.234 if it is the decimal mark; "
        "declare the decimal mark in the profile"
    )
    message = parse_amount("1.234", decimal_mark=None).error
    assert message is not None
    assert "1234 if '.' separates thousands, 1.234 if it is the decimal mark" in message


@pytest.mark.parametrize(("raw", "mark", "expected"), [("1,234", ".", "1234"), ("1,234", ",", "1.234")])
def test_declared_mark_resolves_ambiguity(raw: str, mark: str, expected: str) -> None:
    assert parse_amount(raw, decimal_mark=mark) == ParsedAmount(Decimal(expected))


@pytest.mark.parametrize("raw", ["", " ", "\t", NBSP, f" {NNBSP} "])
@pytest.mark.parametrize("mark", [".", ",", None])
def test_empty_cell_is_no_value_and_no_error(raw: str, mark: str | None) -> None:
    assert parse_amount(raw, decimal_mark=mark) == ParsedAmount(None, None, None)


@pytest.mark.parametrize("text", ["421000.0", "0.1", "1E+16", "-2492.5", "123.4500"])
def test_decimal_cells_pass_through_exactly(text: str) -> None:
    value = Decimal(text)
    parsed = parse_amount(value, decimal_mark=",")
    assert parsed == ParsedAmount(value)
    assert str(parsed.value) == text


def test_negative_zero_cell_reads_as_zero() -> None:
    value = parse_amount(Decimal("-0.00"), decimal_mark=None).value
    assert value is not None
    assert str(value) == "0.00"


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity", "sNaN"])
def test_non_finite_decimal_cell_is_an_error(text: str) -> None:
    parsed = parse_amount(Decimal(text), decimal_mark=".")
    assert parsed.value is None
    assert parsed.error is not None


@pytest.mark.parametrize("cell", [dt.date(2020, 1, 31), dt.datetime(2020, 1, 31, 12, 0)])
def test_date_cell_is_an_error(cell: dt.date) -> None:
    parsed = parse_amount(cell, decimal_mark=".")
    assert parsed.value is None
    assert parsed.error == f"{cell.isoformat()} is a date, not an amount"


def test_float_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="float"):
        parse_amount(1.5, decimal_mark=".")  # type: ignore[arg-type]


@pytest.mark.parametrize("raw", ["1.5", "", Decimal(1)])
def test_unknown_decimal_mark_is_a_value_error(raw: str | Decimal) -> None:
    with pytest.raises(ValueError, match="decimal_mark"):
        parse_amount(raw, decimal_mark=";")


def test_str_subclass_reads_like_str() -> None:
    class Cell(str):
        pass

    assert parse_amount(Cell("1.234,5"), decimal_mark=",") == ParsedAmount(Decimal("1234.5"))


# -- infer_decimal_mark


@pytest.mark.parametrize(
    ("column", "mark"),
    [
        (["1,234.56"], "."),
        (["1,234", "2,500", "12.5"], "."),
        (["1,234", "1,234,567"], "."),
        (["12,5"], ","),
        (["1,234", "99,95"], ","),
        (["1.234.567"], ","),
        (["1.234", "-1.001,00", "+1,23"], ","),
        (["$1,000.00", "-$2,000.00", ""], "."),
        (["24,95", "5950,00"], ","),
        (["1 234,567"], ","),
        (["1234.567"], "."),
        (["0,123"], ","),
        ([Decimal("1.234"), "12,5"], ","),
    ],
)
def test_infers_mark(column: list[str], mark: str) -> None:
    assert infer_decimal_mark(column).value == mark
    assert infer_decimal_mark(column).confidence == 1.0


@pytest.mark.parametrize(
    ("column", "confidence"),
    [
        ([], NO_MARK_NEEDED),
        (["", "12", "-5", "1 234", Decimal("1.5"), dt.date(2020, 1, 1)], NO_MARK_NEEDED),
        (["abc", "6.4%", "1.2.3"], NO_MARK_NEEDED),
        (["1,234"], MARK_UNDECIDED),
        (["1,234", "1.234", "12"], MARK_UNDECIDED),
        (["1,234.56", "12,5"], MARK_CONTRADICTED),
        (["1.234.567", "1,234,567"], MARK_CONTRADICTED),
    ],
)
def test_infers_no_mark(column: list[str], confidence: float) -> None:
    detected = infer_decimal_mark(column)
    assert detected.value is None
    assert detected.confidence == confidence


def test_infer_agrees_with_parse_on_what_is_ambiguous() -> None:
    column = ["1,234", "2,500.5"]
    mark = infer_decimal_mark(column).value
    assert [parse_amount(v, decimal_mark=mark).value for v in column] == [Decimal(1234), Decimal("2500.5")]


def test_infer_stops_at_a_contradiction() -> None:
    def column() -> Iterator[str]:
        yield "1,234.56"
        yield "12,5"
        raise AssertionError("read past the contradiction")

    assert infer_decimal_mark(column()).confidence == MARK_CONTRADICTED


def test_infer_reads_a_generator_once() -> None:
    assert infer_decimal_mark(f"{i},{i % 100:02}" for i in range(1000)).value == ","

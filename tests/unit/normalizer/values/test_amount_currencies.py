"""Currencies in any script around an amount, bidi/format characters, negative forms."""

from __future__ import annotations

from decimal import Decimal

import pytest

from normalizer.values import parse_amount, parse_currency

READINGS = [
    # (cell, declared mark, value, currency)
    ("€-5", None, "-5", "EUR"),
    ("-€5", None, "-5", "EUR"),
    ("5 €-", None, "-5", "EUR"),
    ("(€5.00)", None, "-5.00", "EUR"),
    ("(5.00) €", None, "-5.00", "EUR"),
    ("1,234.56 USD-", None, "-1234.56", "USD"),
    ("\u200f1,234.50 د.إ\u200f", None, "1234.50", "AED"),
    ("ر.س 1,200.00", None, "1200.00", "SAR"),
    ("\u061c-5.00 ر.س", None, "-5.00", "SAR"),
    ("1 234,50 руб.", None, "1234.50", "RUB"),
    ("1\u202f234,50\u00a0₽", None, "1234.50", "RUB"),
    ("1\u2009234,50 грн", None, "1234.50", "UAH"),
    ("1.200,00 лв.", None, "1200.00", "BGN"),
    ("12,50 zł", None, "12.50", "PLN"),
    ("100 kr", None, "100", "kr"),
    ("CHF 1'234.50", None, "1234.50", "CHF"),
    ("\u2066-12.00 USD\u2069", None, "-12.00", "USD"),
    ("\u200e€12.00\u200e", None, "12.00", "EUR"),
    ("\u202b12.00-\u202c", ".", "-12.00", None),
    ("\ufeff12.00", None, "12.00", None),
    ("₹1,23,456.00", None, "123456.00", "INR"),
    ("5 円", None, "5", "JPY"),
    ("¥1,000", ".", "1000", "¥"),
    ("﷼ 50", None, "50", "﷼"),
    ("S/. 12.50", None, "12.50", "PEN"),
    ("R$ 1.234,56", None, "1234.56", "BRL"),
    ("Rs. 1,200.50", None, "1200.50", "Rs."),
    ("-$5.00", None, "-5.00", "$"),
    ("$-5.00", None, "-5.00", "$"),
]


@pytest.mark.parametrize(("raw", "mark", "value", "currency"), READINGS)
def test_reads_currency_in_any_script(raw: str, mark: str | None, value: str, currency: str | None) -> None:
    parsed = parse_amount(raw, decimal_mark=mark)
    assert parsed.error is None
    assert parsed.value == Decimal(value)
    assert str(parsed.value) == value  # exact, scale kept
    assert parsed.currency == currency


@pytest.mark.parametrize(
    "raw",
    [
        "12.00 Dr",  # side flags are not currencies
        "12.00 CR",
        "5 S",
        "€",
        "руб.",
        "$5 €",  # two currencies
        "12.00 Abcdef",  # a Latin word is not a currency
        "12.00 абвгдеж",  # nor a long word in another script
    ],
)
def test_refuses_what_is_not_one_amount(raw: str) -> None:
    parsed = parse_amount(raw, decimal_mark=None)
    assert parsed.value is None
    assert parsed.error is not None


def test_a_cell_of_only_format_marks_reads_as_empty() -> None:
    # RTL exports put a mark in cells that are otherwise empty
    assert parse_amount("\u200f\u200e", decimal_mark=None) == parse_amount("", decimal_mark=None)
    assert parse_amount("\u200f\u200e", decimal_mark=None).value is None
    assert parse_amount("\u200f\u200e", decimal_mark=None).error is None


def test_a_very_long_cell_is_refused_at_once() -> None:
    # the currency search must not go quadratic on a long run of spaces
    parsed = parse_amount("1" + " " * 200_000 + "x", decimal_mark=None)
    assert parsed.value is None
    assert parsed.error is not None and "characters" in parsed.error


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("EUR", "EUR"),
        ("usd", "USD"),
        (" € ", "EUR"),
        ("\u200fد.إ\u200f", "AED"),
        ("руб.", "RUB"),
        ("$", "$"),
        ("kr", "kr"),
        ("US$", "USD"),
        ("Dr", None),
        ("12.00", None),
        ("Sale", None),
        ("", None),
        ("EURO ZONE", None),
        ("Yes", None),
    ],
)
def test_parse_currency_reads_a_cell_that_is_only_a_currency(cell: str, code: str | None) -> None:
    assert parse_currency(cell) == code

"""parse_side: default tokens, profile mappings, cells of every type."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from normalizer.values import DEFAULT_SIDE_TOKENS, parse_side

DEBITS = [
    *[
        "D",
        "d",
        "Dr",
        "DR",
        "dr.",
        "Debit",
        "DEBIT",
        "Deb",
        "Db",
        "S",
        "s",
        "Soll",
        "SOLL",
        "Débit",
        "debe",
        "dare",
        "debet",
        "1",
        "+",
    ],
    " D ",
]
CREDITS = [
    *[
        "C",
        "c",
        "Cr",
        "CR",
        "Cr.",
        "Credit",
        "credit",
        "Cred",
        "H",
        "h",
        "Haben",
        "Crédit",
        "haber",
        "avere",
        "2",
        "-",
        "-1",
    ],
    "\tH\u00a0",
]


@pytest.mark.parametrize("raw", DEBITS)
def test_default_debit_tokens(raw: str) -> None:
    assert parse_side(raw) == "debit"


@pytest.mark.parametrize("raw", CREDITS)
def test_default_credit_tokens(raw: str) -> None:
    assert parse_side(raw) == "credit"


@pytest.mark.parametrize(
    ("raw", "side"),
    [(Decimal("1"), "debit"), (Decimal("1.0"), "debit"), (Decimal("2"), "credit"), (Decimal("-1"), "credit")],
)
def test_numeric_cells(raw: Decimal, side: str) -> None:
    assert parse_side(raw) == side


@pytest.mark.parametrize(
    "raw", ["", "  ", "X", "DC", "3", "0", "Debitor", Decimal("1.5"), Decimal("NaN"), dt.date(2020, 1, 1)]
)
def test_unknown_is_none(raw: str | Decimal | dt.date) -> None:
    assert parse_side(raw) is None


def test_mapping_replaces_defaults() -> None:
    mapping = {"Belastung": "debit", "Gutschrift": "credit"}
    assert parse_side("Belastung", mapping) == "debit"
    assert parse_side(" gutschrift ", mapping) == "credit"
    assert parse_side("S", mapping) is None  # defaults are not consulted


def test_mapping_of_numbers() -> None:
    mapping = {"0": "debit", "1": "credit"}
    assert parse_side(Decimal("0.0"), mapping) == "debit"
    assert parse_side("1", mapping) == "credit"


def test_mapping_to_something_else_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="'debit' or 'credit'"):
        parse_side("X", {"X": "Debit"})


def test_float_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        parse_side(1.0)  # type: ignore[arg-type]


def test_default_tokens_are_normalized_and_two_sided() -> None:
    assert all(token == token.strip().casefold() for token in DEFAULT_SIDE_TOKENS)
    assert set(DEFAULT_SIDE_TOKENS.values()) == {"debit", "credit"}

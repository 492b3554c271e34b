"""Declared fixed-width field kinds: implied decimals and signed overpunch; type codes of two widths."""

from __future__ import annotations

import pytest

from normalizer.errors import ProfileError
from normalizer.profiles.loader import profile_from_dict
from normalizer.profiles.model import FieldLayout
from normalizer.readers.fixed_width import read_fixed_width
from normalizer.readers.model import FixedWidthField, FixedWidthLayout
from normalizer.structure.field_kinds import decode


def _field(kind: str, decimals: int | None = None, decimals_from: str | None = None) -> FieldLayout:
    return FieldLayout(name="x", start=1, end=14, kind=kind, decimals=decimals, decimals_from=decimals_from)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "decimals", "expected"),
    [
        ("0000000015000{", 2, "1500.00"),
        ("0000000023507E", 2, "2350.75"),
        ("0000000001842J", 2, "-184.21"),
        ("0000000000564}", 2, "-56.40"),
        ("0000000000000}", 2, "0.00"),  # a negative zero is zero
        ("0000000000123R", 3, "-1.239"),
        ("0000000000123I", 0, "1239"),
        ("00000000001234", 2, "12.34"),  # an unsigned last digit is positive
    ],
)
def test_overpunch(text: str, decimals: int, expected: str) -> None:
    assert decode(_field("overpunch", decimals), text, {}) == expected


def test_decimals_stated_by_another_field() -> None:
    field = _field("overpunch", decimals_from="decimals")
    assert decode(field, "0000000001842J", {"decimals": "3"}) == "-18.421"
    assert decode(field, "0000000001842J", {"decimals": "0"}) == "-18421"
    # no usable decimals count: left as written, so the amount is reported, not guessed
    assert decode(field, "0000000001842J", {"decimals": " "}) == "0000000001842J"


@pytest.mark.parametrize("text", ["00000000018X2J", "0000000001842X", "  12 4J", "١٢٣"])
def test_malformed_values_are_left_as_written(text: str) -> None:
    assert decode(_field("overpunch", 2), text, {}) == text


def test_number_with_implied_decimals() -> None:
    assert decode(_field("number", 3), "000000002350750", {}) == "2350.750"
    assert decode(_field("number", 3), "000000000000000", {}) == "0.000"
    assert decode(_field("number", 3), "00000000235075-", {}) == "00000000235075-"


@pytest.mark.parametrize(
    ("field", "fragment"),
    [
        ({"name": "a", "start": 1, "end": 2, "decimals": 2}, "kind 'number' or 'overpunch'"),
        ({"name": "a", "start": 1, "end": 2, "kind": "packed"}, "must be one of"),
        (
            {"name": "a", "start": 1, "end": 2, "kind": "number", "decimals": 2, "decimals_from": "d"},
            "not both",
        ),
        ({"name": "a", "start": 1, "end": 2, "kind": "number", "decimals_from": "nope"}, "not a field"),
    ],
)
def test_field_kinds_are_validated(field: dict[str, object], fragment: str) -> None:
    data = {"fixed_width": {"type": [1, 1], "records": {"1": {"role": "record", "fields": [field]}}}}
    with pytest.raises(ProfileError, match=fragment):
        profile_from_dict(data, name="bad")


def test_type_codes_of_one_and_two_characters() -> None:
    field = (FixedWidthField(name="rest", start=3, end=6),)
    layout = FixedWidthLayout(type_start=1, type_end=2, records={"1": field, "21": field, "9": field})
    rows = read_fixed_width("12abcd\n21efgh\n9 ijkl\n22mnop\n", layout).rows
    assert [r.kind for r in rows] == ["1", "21", "9", "22"]
    assert rows[0].cells == ("abcd",)
    assert rows[3].cells == ("22mnop",)  # 22 is not declared (and neither is 2): kept whole

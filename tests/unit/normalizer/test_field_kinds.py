"""Declared fixed-width field kinds: implied decimals and signed overpunch; type codes of two widths."""

from __future__ import annotations

import pytest

from normalizer.errors import ProfileError
from normalizer.profiles.loader import profile_from_dict
from normalizer.profiles.model import FieldLayout
from normalizer.readers.fixed_width import read_fixed_width
from normalizer.readers.model import FixedWidthField, FixedWidthLayout
from normalizer.structure.field_kinds import decode, decode_fields, separated_values


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
        ({"name": "a", "start": 1, "end": 2, "decimals": 2}, "apply to kind"),
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


def _sep(name: str, number: int, **options: object) -> FieldLayout:
    return FieldLayout(name=name, start=number, end=number, **options)  # type: ignore[arg-type]


def test_separated_fields_shift_after_a_declared_value() -> None:
    fields = (
        _sep("code", 2),
        _sep("class", 2, chars=(1, 1)),
        _sep("funds", 4, shift={"S": 3, "V": 2}),
        _sep("ref", 5),
        _sep("text", 6, to_end=True),
    )
    plain = separated_values(fields, ["16", "165", "100", "Z", "R1", "a, b", "c"], ",")
    assert plain == {"code": "165", "class": "165", "funds": "Z", "ref": "R1", "text": "a, b,c"}
    shifted = separated_values(fields, ["16", "195", "100", "S", "50", "50", "0", "R2", "wire"], ",")
    assert shifted == {"code": "195", "class": "195", "funds": "S,50,50,0", "ref": "R2", "text": "wire"}
    assert decode_fields(fields, shifted)["class"] == "1"
    # a record shorter than its layout gives empty fields, not an error
    assert separated_values(fields, ["16", "195"], ",")["ref"] == ""


def test_amount_sum_adds_the_amount_of_every_group() -> None:
    field = _sep("total", 4, to_end=True, kind="amount_sum", group=4, amount_at=2, decimals=2, shift={"S": 3})
    assert (
        decode(field, "010,1500000,,,015,-250,,,100,277075,2,", {}) == "17768.25"
    )  # 15000.00 - 2.50 + 2770.75
    assert decode(field, "100,1000,1,S,400,300,300,400,5,1,Z", {}) == "10.05"  # S: 3 more fields
    assert decode(field, "", {}) == "0.00"
    assert decode(field, "010,12x4,,", {}) == "010,12x4,,"  # not a number: left as written


def test_separated_reader_joins_continuations_and_drops_terminators() -> None:
    field = (FixedWidthField(name="all", start=1, end=1),)
    layout = FixedWidthLayout(
        type_start=1,
        type_end=1,
        records={"16": field, "49": field},
        separator=",",
        terminator="/",
        continuation="88",
    )
    rows = read_fixed_width("16,165,100,Z,first part/\n88,second part\n49,100,3/\n", layout).rows
    assert [(r.number, r.kind, r.cells) for r in rows] == [
        (1, "16", ("16", "165", "100", "Z", "first part", "second part")),
        (3, "49", ("49", "100", "3")),
    ]


def test_separated_reader_bounds_a_record_grown_by_continuations() -> None:
    from normalizer.errors import UnreadableFileError

    field = (FixedWidthField(name="all", start=1, end=1),)
    layout = FixedWidthLayout(
        type_start=1, type_end=1, records={"16": field}, separator=",", continuation="88"
    )
    text = "16,1\n" + "88,1,1,1,1,1,1,1,1,1,1\n" * 200
    with pytest.raises(UnreadableFileError, match="columns"):
        read_fixed_width(text, layout)


def test_an_endless_digit_run_is_left_for_the_amount_parser() -> None:
    huge = "1" * 5000  # int() of this would raise; it must come back as written
    assert decode(_field("number", 2), huge, {}) == huge
    assert decode(_field("overpunch", 2), huge + "{", {}) == huge + "{"
    field = _sep("total", 1, to_end=True, kind="amount_sum", group=2, amount_at=2, decimals=2)
    assert decode(field, "010," + huge, {}) == "010," + huge


def test_records_without_line_breaks_are_cut_by_record_length() -> None:
    field = (FixedWidthField(name="rest", start=3, end=4),)
    layout = FixedWidthLayout(type_start=1, type_end=2, records={"01": field, "04": field}, record_length=4)
    rows = read_fixed_width("01ab04cd04ef\n01gh\n04ijk\n", layout).rows
    assert [(r.number, r.kind, r.cells) for r in rows] == [
        (1, "01", ("ab",)),
        (2, "04", ("cd",)),
        (3, "04", ("ef",)),
        (4, "01", ("gh",)),
        (5, "04", ("ij",)),  # not a whole number of records: one line, cut as usual
    ]

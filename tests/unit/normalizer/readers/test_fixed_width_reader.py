"""Fixed-width text read with a declared layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from normalizer.readers import FixedWidthField, FixedWidthLayout, ReadOptions, read_workbook

FIXTURES = Path(__file__).resolve().parents[4] / "fixtures" / "readers"

LAYOUT = FixedWidthLayout(
    type_start=1,
    type_end=1,
    records={
        "H": (
            FixedWidthField(name="period_end", start=2, end=9),
            FixedWidthField(name="company", start=10, end=29),
        ),
        "D": (
            FixedWidthField(name="line", start=2, end=5),
            FixedWidthField(name="date", start=6, end=13),
            FixedWidthField(name="account", start=14, end=19),
            FixedWidthField(name="amount", start=20, end=31),
            FixedWidthField(name="side", start=32, end=32),
        ),
    },
)


def test_two_record_types_unknown_lines_and_empty_lines() -> None:
    data = (FIXTURES / "fixed-width-two-types.txt").read_bytes()
    workbook = read_workbook(data, options=ReadOptions(fixed_width=LAYOUT))
    assert workbook.container == "fixed-width"
    assert workbook.detected["container"].source == "override"
    assert workbook.detected["encoding"].value == "utf-8"
    assert "delimiter" not in workbook.detected
    (sheet,) = workbook.sheets
    assert sheet.name is None
    assert sheet.headers_by_kind == {
        "H": ("period_end", "company"),
        "D": ("line", "date", "account", "amount", "side"),
    }
    assert [(row.number, row.kind, row.cells) for row in sheet.rows] == [
        (1, "H", ("20240131", "ACME CORP           ")),
        (2, "D", ("0001", "20240105", "1000  ", "000000012345", "C")),
        (3, "D", ("0002", "20240106", "4000  ", "000000000999", "D")),
        (4, "X", ("X unknown record kept whole",)),
        (5, None, ()),
        (6, "T", ("T0002000000013344",)),
    ]


def test_layout_without_a_type_field_and_short_lines() -> None:
    layout = FixedWidthLayout(
        type_start=None,
        type_end=None,
        records={"": (FixedWidthField(name="a", start=1, end=3), FixedWidthField(name="b", start=4, end=8))},
    )
    workbook = read_workbook(b"abc12345\nxy\n", options=ReadOptions(fixed_width=layout))
    rows = workbook.sheets[0].rows
    assert [(row.kind, row.cells) for row in rows] == [("", ("abc", "12345")), ("", ("xy", ""))]
    assert workbook.sheets[0].headers_by_kind == {"": ("a", "b")}


def test_type_code_matches_trimmed() -> None:
    layout = FixedWidthLayout(
        type_start=1, type_end=3, records={"7": (FixedWidthField(name="v", start=4, end=6),)}
    )
    rows = read_workbook(b"7  abc\n", options=ReadOptions(fixed_width=layout)).sheets[0].rows
    assert (rows[0].kind, rows[0].cells) == ("7", ("abc",))


def test_layout_validation() -> None:
    with pytest.raises(ValueError, match="not 1-based"):
        FixedWidthField(name="a", start=0, end=3)
    with pytest.raises(ValueError, match="not 1-based"):
        FixedWidthField(name="a", start=5, end=3)
    with pytest.raises(ValueError, match="both type_start and type_end"):
        FixedWidthLayout(type_start=1, type_end=None, records={})
    with pytest.raises(ValueError, match='keyed ""'):
        FixedWidthLayout(type_start=None, type_end=None, records={"22": ()})

"""Dates with times and zones keep the calendar date as written; zones are never applied."""

from __future__ import annotations

import datetime as dt

import pytest

from normalizer.values import infer_date_order, parse_date

CASES = [
    ("2022-01-03 9:05:11", None, dt.date(2022, 1, 3)),
    ("2022-01-03T09:05:11Z", None, dt.date(2022, 1, 3)),
    ("2022-01-03T09:05:11.250Z", None, dt.date(2022, 1, 3)),
    ("1/31/2021 14:02:11 PST", "MDY", dt.date(2021, 1, 31)),
    ("01/31/2021 2:02 PM EST", "MDY", dt.date(2021, 1, 31)),
    # 23:30 at +01:00 is 22:30 UTC, and at -05:00 it is the next day in UTC: the date stays
    ("2021-01-31T23:30:00+01:00", None, dt.date(2021, 1, 31)),
    ("2021-01-31T23:30:00-05:00", None, dt.date(2021, 1, 31)),
    ("2021-01-31T23:30:00-05:00[America/New_York]", None, dt.date(2021, 1, 31)),
    ("31.01.2021 23:30 CET", "DMY", dt.date(2021, 1, 31)),
    ("31/01/2021 23:30 GMT+1", "DMY", dt.date(2021, 1, 31)),
    ("31/01/2021 23:30 UTC+05:30", "DMY", dt.date(2021, 1, 31)),
    ("2021-01-31 23:30 (CEST)", None, dt.date(2021, 1, 31)),
]


@pytest.mark.parametrize(("raw", "order", "expected"), CASES)
def test_time_and_zone_are_dropped(raw: str, order: str | None, expected: dt.date) -> None:
    parsed = parse_date(raw, order=order)  # type: ignore[arg-type]
    assert parsed.error is None
    assert parsed.value == expected


@pytest.mark.parametrize(
    "raw",
    ["2021-01-31 25:30 PST", "2021-01-31 23:61 UTC", "1/31/2021 13:02 PM EST", "2021-01-31 23:30 Zulu time"],
)
def test_an_invalid_time_or_a_trailing_word_is_an_error(raw: str) -> None:
    parsed = parse_date(raw, order="MDY")
    assert parsed.value is None
    assert parsed.error is not None


def test_column_order_is_inferred_through_times_and_zones() -> None:
    us = ["1/31/2021 14:02:11 PST", "2/1/2021 09:00:00 PST", "2/3/2021 10:00 PM PST"]
    assert infer_date_order(us).value == "MDY"
    eu = ["31/01/2021 14:02 CET", "01/02/2021 09:00 CET"]
    assert infer_date_order(eu).value == "DMY"


def test_a_very_long_cell_is_refused_at_once() -> None:
    # a long run of spaces before a time made the time search quadratic
    text = "2021-01-01" + " " * 200_000 + "1:00x"
    parsed = parse_date(text)
    assert parsed.value is None
    assert parsed.error is not None and "too long" in parsed.error
    assert infer_date_order([text, "31/01/2021"]).value == "DMY"

"""parse_date and infer_date_order, form by form (values from real exports included)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from normalizer.values import (
    NO_ORDER_NEEDED,
    ORDER_CONTRADICTED,
    ParsedDate,
    infer_date_order,
    parse_date,
)
from normalizer.values._months import _SPELLINGS, month_number

D = dt.date

# (raw, keyword arguments, expected date)
READS: list[tuple[Any, dict[str, Any], dt.date]] = [
    # ISO and year-first: order-independent
    ("2016-01-01", {}, D(2016, 1, 1)),
    ("2016-01-01", {"order": "DMY"}, D(2016, 1, 1)),
    ("2012/3/22", {}, D(2012, 3, 22)),
    ("2016/1/2", {"order": "MDY"}, D(2016, 1, 2)),
    ("2016.01.31", {}, D(2016, 1, 31)),
    ("20180221", {}, D(2018, 2, 21)),
    ("20180221", {"order": "DMY"}, D(2018, 2, 21)),
    # day-first / month-first: by order, or by the one valid reading
    ("01/31/2020", {}, D(2020, 1, 31)),
    ("01/31/2020", {"order": "MDY"}, D(2020, 1, 31)),
    ("31.01.2020", {}, D(2020, 1, 31)),
    ("31/01/2020", {"order": "DMY"}, D(2020, 1, 31)),
    ("31-01-2020", {}, D(2020, 1, 31)),
    ("1.2.2020", {"order": "DMY"}, D(2020, 2, 1)),
    ("1/2/2020", {"order": "MDY"}, D(2020, 1, 2)),
    ("01/01/2020", {}, D(2020, 1, 1)),  # both readings give the same day
    ("31/01/2020", {"order": "YMD"}, D(2020, 1, 31)),  # an order that does not apply is ignored
    # two-digit years
    ("01/31/20", {}, D(2020, 1, 31)),
    ("31.01.20", {}, D(2020, 1, 31)),
    ("03/02/26", {"order": "MDY"}, D(2026, 3, 2)),
    ("04/09/26", {"order": "MDY"}, D(2026, 4, 9)),
    ("12/31/68", {}, D(2068, 12, 31)),
    ("12/31/69", {}, D(1969, 12, 31)),
    ("12/31/79", {"default_year": 2030}, D(2079, 12, 31)),
    ("12/31/79", {"default_year": 1990}, D(1979, 12, 31)),
    ("01/02/03", {"order": "DMY", "default_year": 1950}, D(1903, 2, 1)),
    ("31.12.68", {"default_year": 2018}, D(1968, 12, 31)),  # 50 years either way: the earlier
    ("20/01/31", {"order": "YMD"}, D(2020, 1, 31)),
    ("99/12/31", {}, D(1999, 12, 31)),  # cannot be day- or month-first
    ("140102", {"order": "YMD"}, D(2014, 1, 2)),
    ("020114", {"order": "DMY"}, D(2014, 1, 2)),
    ("31012020", {"order": "DMY"}, D(2020, 1, 31)),
    ("01312020", {"order": "MDY"}, D(2020, 1, 31)),
    # month names
    ("30 Jun 2023", {}, D(2023, 6, 30)),
    ("Jun 30, 2023", {}, D(2023, 6, 30)),
    ("June 30th, 2023", {}, D(2023, 6, 30)),
    ("30-JUN-23", {}, D(2023, 6, 30)),
    ("30-jun-2023", {}, D(2023, 6, 30)),
    ("30.Jun.2023", {}, D(2023, 6, 30)),
    ("2023 Jun 30", {}, D(2023, 6, 30)),
    ("23-Jun-30", {"order": "YMD"}, D(2023, 6, 30)),
    ("1. März 2020", {}, D(2020, 3, 1)),
    ("1. MÄRZ 2020", {}, D(2020, 3, 1)),
    ("1 Marz 2020", {}, D(2020, 3, 1)),
    ("3. Dez. 2019", {}, D(2019, 12, 3)),
    ("15. Jänner 2021", {}, D(2021, 1, 15)),
    ("1er janv. 2020", {}, D(2020, 1, 1)),
    ("14 juillet 1789", {}, D(1789, 7, 14)),
    ("15 août 2022", {}, D(2022, 8, 15)),
    ("févr. 3, 2021", {}, D(2021, 2, 3)),
    ("3 de febrero de 2021", {}, D(2021, 2, 3)),
    ("3rd of March 2021", {}, D(2021, 3, 3)),
    ("12-dic-2021", {}, D(2021, 12, 12)),
    ("25 dicembre 2021", {}, D(2021, 12, 25)),
    ("3 mag 2021", {}, D(2021, 5, 3)),
    ("5 mei 2021", {}, D(2021, 5, 5)),
    ("5 mrt. 2021", {}, D(2021, 3, 5)),
    ("1 okt 2021", {}, D(2021, 10, 1)),
    ("Sep 01", {"default_year": 2024}, D(2024, 9, 1)),
    ("sept. 1", {"default_year": 2024}, D(2024, 9, 1)),
    # datetimes: the date part, never shifted
    ("2020-01-02 13:45:00", {}, D(2020, 1, 2)),
    ("2020-01-02T13:45:00Z", {}, D(2020, 1, 2)),
    ("2020-01-02T23:45:00-05:00", {}, D(2020, 1, 2)),
    ("2020-01-02 00:21:32.123+0100", {}, D(2020, 1, 2)),
    ("2021-01-05 00:21:32", {}, D(2021, 1, 5)),
    ("01/02/2020 1:45 PM", {"order": "MDY"}, D(2020, 1, 2)),
    ("01/02/2020 1:45 p.m.", {"order": "DMY"}, D(2020, 2, 1)),
    ("30 Jun 2023 13:45", {}, D(2023, 6, 30)),
    ("20180221 12:00", {}, D(2018, 2, 21)),
    # padding
    ("  2016-01-01\t", {}, D(2016, 1, 1)),
    ("\u00a031.01.2014 ", {}, D(2014, 1, 31)),
    # patterns (profiles)
    ("2102", {"pattern": "%d%m", "default_year": 2018}, D(2018, 2, 21)),
    ("2202", {"pattern": "%d%m", "default_year": 2018}, D(2018, 2, 22)),
    ("302", {"pattern": "%d%m", "default_year": 2018}, D(2018, 2, 3)),  # DATEV 03.02, zero dropped
    ("140102", {"pattern": "%y%m%d"}, D(2014, 1, 2)),
    ("10102", {"pattern": "%y%m%d"}, D(2001, 1, 2)),
    ("210218", {"pattern": "%d%m%y"}, D(2018, 2, 21)),
    ("21022018", {"pattern": "%d%m%Y"}, D(2018, 2, 21)),
    ("1.2.2020", {"pattern": "%d.%m.%Y"}, D(2020, 2, 1)),
    ("01.02.2020 00:00:00", {"pattern": "%d.%m.%Y"}, D(2020, 2, 1)),
    ("2020-02-01 10:11:12", {"pattern": "%Y-%m-%d %H:%M:%S"}, D(2020, 2, 1)),
    ("30-JUN-23", {"pattern": "%d-%b-%y"}, D(2023, 6, 30)),
    ("30 juin 2023", {"pattern": "%d %B %Y"}, D(2023, 6, 30)),
    ("06/30", {"pattern": "%m/%d", "default_year": 2023}, D(2023, 6, 30)),
    ("31/01/2020", {"pattern": "%d/%m/%Y", "order": "MDY"}, D(2020, 1, 31)),  # the pattern wins
    # workbook cells
    (D(2020, 1, 31), {}, D(2020, 1, 31)),
    (dt.datetime(2020, 1, 31, 23, 59), {}, D(2020, 1, 31)),
    (dt.datetime(2020, 1, 31, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=-8))), {}, D(2020, 1, 31)),
    (Decimal("43831"), {}, D(2020, 1, 1)),
    (Decimal("43831.0"), {}, D(2020, 1, 1)),
    (Decimal("43831.999"), {}, D(2020, 1, 1)),
    (Decimal("44592"), {}, D(2022, 1, 31)),
    (Decimal("1"), {}, D(1900, 1, 1)),
    (Decimal("59"), {}, D(1900, 2, 28)),
    (Decimal("61"), {}, D(1900, 3, 1)),
    (Decimal("2958465"), {}, D(9999, 12, 31)),
    (Decimal("20180221"), {}, D(2018, 2, 21)),
    (Decimal("2102"), {"pattern": "%d%m", "default_year": 2018}, D(2018, 2, 21)),
    (Decimal("302.0"), {"pattern": "%d%m", "default_year": 2018}, D(2018, 2, 3)),
]


@pytest.mark.parametrize(("raw", "kwargs", "expected"), READS)
def test_reads_form(raw: Any, kwargs: dict[str, Any], expected: dt.date) -> None:
    parsed = parse_date(raw, **kwargs)
    assert parsed == ParsedDate(expected), parsed
    assert type(parsed.value) is dt.date


# (raw, keyword arguments, a fragment the error must contain)
ERRORS: list[tuple[Any, dict[str, Any], str]] = [
    ("2020-02-30", {}, "'2020-02-30' is not a valid date"),
    ("2021-02-29", {}, "not a valid date"),
    ("13/13/2020", {}, "'13/13/2020' is not a valid date"),
    ("31/01/2020", {"order": "MDY"}, "not a valid MDY date"),
    ("01/02/2020", {}, "ambiguous: 2020-02-01 (DMY) or 2020-01-02 (MDY); declare the date order"),
    ("03/02/26", {}, "ambiguous"),
    ("140102", {}, "ambiguous"),
    ("text", {}, "'text' is not a date"),
    ("Total", {}, "not a date"),
    ("Apr 9 - Aug 18, '26", {}, "not a date"),  # QuickBooks date-range row
    ("March 1 - 6, 2026", {}, "not a date"),
    ("Jun 2023", {}, "has no day"),
    ("Sep 01", {}, "has no year"),
    ("2102", {}, "declare a date pattern"),
    ("2102", {"pattern": "%d%m"}, "has no year"),
    ("3102", {"pattern": "%d%m", "default_year": 2018}, "not a valid date"),
    ("21.02", {"pattern": "%d%m", "default_year": 2018}, "does not match the date pattern '%d%m'"),
    ("30-XYZ-23", {"pattern": "%d-%b-%y"}, "unknown month name"),
    ("2020-01-02 25:00", {}, "time that is not valid"),
    ("01/02/2020 13:45 PM", {"order": "MDY"}, "time that is not valid"),
    ("2020-01-02 garbage", {}, "not a date"),
    ("1/2/3", {"order": "DMY"}, "not a date"),
    ("00000000", {}, "not a valid date"),
    ("2020-13-01", {}, "not a valid date"),
    ("12345", {}, "not a date"),
    ("30 Jun 2023 Jul", {}, "not a date"),
    ("٣٠/٠١/٢٠٢٠", {}, "not a date"),
    (Decimal("60"), {}, "1900-02-29"),
    (Decimal("0"), {}, "not an Excel date serial"),
    (Decimal("0.5"), {}, "not an Excel date serial"),
    (Decimal("-1"), {}, "not an Excel date serial"),
    (Decimal("2958466"), {}, "not an Excel date serial"),
    (Decimal("NaN"), {}, "not a date"),
    (Decimal("2102.5"), {"pattern": "%d%m", "default_year": 2018}, "not a date"),
    (Decimal("99999999"), {}, "not a valid date"),
]


@pytest.mark.parametrize(("raw", "kwargs", "fragment"), ERRORS)
def test_refuses(raw: Any, kwargs: dict[str, Any], fragment: str) -> None:
    parsed = parse_date(raw, **kwargs)
    assert parsed.value is None
    assert parsed.error is not None
    assert fragment in parsed.error


@pytest.mark.parametrize("raw", ["", "   ", "\t", "\u00a0"])
@pytest.mark.parametrize("kwargs", [{}, {"order": "DMY"}, {"pattern": "%d%m", "default_year": 2018}])
def test_empty_cell_is_no_value_and_no_error(raw: str, kwargs: dict[str, Any]) -> None:
    assert parse_date(raw, **kwargs) == ParsedDate(None, None)


def test_serial_60_is_refused_with_the_reason() -> None:
    assert parse_date(Decimal(60)).error == (
        "Excel serial 60 is 1900-02-29, a day that does not exist (Excel's leap-year bug)"
    )


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"order": "DM"}, "date order"),
        ({"pattern": "%d%q"}, "unknown directive"),
        ({"pattern": "%m%Y"}, "day"),
    ],
)
def test_bad_configuration_is_a_value_error(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        parse_date("01/02/2020", **kwargs)


@pytest.mark.parametrize("pattern", ["%d%d%m", "%d%m%b", "%d%m%y%Y"])
def test_pattern_naming_a_field_twice_is_a_value_error(pattern: str) -> None:
    with pytest.raises(ValueError, match="twice"):
        parse_date("1", pattern=pattern)


def test_float_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        parse_date(43831.0)  # type: ignore[arg-type]


def test_no_month_spelling_names_two_months() -> None:
    owner: dict[str, int] = {}
    for month, line in enumerate(_SPELLINGS, start=1):
        for word in line.split():
            assert owner.setdefault(word, month) == month, word
    assert [month_number(name) for name in ("JAN", "Feb.", "mär", "MRT", "Dic", "août", "aout")] == [
        1,
        2,
        3,
        3,
        12,
        8,
        8,
    ]


# -- infer_date_order


@pytest.mark.parametrize(
    ("column", "order", "confidence"),
    [
        (["31/01/2020", "01/02/2020"], "DMY", 1.0),
        (["01/31/2020", "01/02/2020"], "MDY", 1.0),
        (["13.01.20", "01.02.20"], "DMY", 1.0),
        (["04/09/26", "04/15/26"], "MDY", 1.0),
        (["2016-01-01", "2016-12-31"], "YMD", 1.0),
        (["20180221"], "YMD", 1.0),
        (["99/12/31", "98/01/02"], "YMD", 1.0),
        (["01/02/2020", "03/04/2020"], "DMY", 0.5),
        (["01/01/2020"], "DMY", 0.5),
        # undecided: the order under which the dates span the shortest period comes first
        (["04/09/26", "04/10/26"], "MDY", 0.5),  # QuickBooks: Apr 9-10, not Sep 4-Oct 4
        (["01/02/2020", "01/03/2020", "01/05/2020"], "MDY", 0.5),
        (["02/01/2020", "03/01/2020", "05/01/2020"], "DMY", 0.5),
        (["140102"], "YMD", 0.5),
        (["2016-01-01", "31/01/2020", "", "Total", Decimal(43831), D(2020, 1, 1)], "DMY", 1.0),
        (["01/31/2020 1:45 PM", "02/01/2020 9:00 AM"], "MDY", 1.0),
        (["2021-01-05 00:21:32", "2021-01-05 00:29:21"], "YMD", 1.0),
    ],
)
def test_infers_order(column: list[Any], order: str, confidence: float) -> None:
    assert infer_date_order(column).as_dict() == {
        "value": order,
        "confidence": confidence,
        "source": "detected",
    }


@pytest.mark.parametrize(
    ("column", "confidence"),
    [
        ([], NO_ORDER_NEEDED),
        (["30 Jun 2023", "Jun 30, 2023", "", "Total"], NO_ORDER_NEEDED),
        ([Decimal(43831), D(2020, 1, 1)], NO_ORDER_NEEDED),
        (["31/01/2020", "01/31/2020"], ORDER_CONTRADICTED),
        (["13.01.2020", "99/12/31"], ORDER_CONTRADICTED),
    ],
)
def test_infers_no_order(column: list[Any], confidence: float) -> None:
    detected = infer_date_order(column)
    assert detected.value is None
    assert detected.confidence == confidence


def test_infer_stops_at_a_contradiction() -> None:
    def column() -> Iterator[str]:
        yield "31/01/2020"
        yield "01/31/2020"
        raise AssertionError("read past the contradiction")

    assert infer_date_order(column()).confidence == ORDER_CONTRADICTED


def test_inferred_order_reads_the_whole_column() -> None:
    column = ["01/02/2020", "15/02/2020", "02/03/2020"]
    order = infer_date_order(column).value
    assert [parse_date(v, order=order).value for v in column] == [
        D(2020, 2, 1),
        D(2020, 2, 15),
        D(2020, 3, 2),
    ]

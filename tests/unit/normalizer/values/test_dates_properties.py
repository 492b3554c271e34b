"""Property tests: any date rendered in any supported form reads back, given its order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from normalizer.values import DATE_ORDERS, DateOrder, infer_date_order, parse_date
from normalizer.values._months import _SPELLINGS

dates = st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2099, 12, 31))
TIMES = ["", " 00:00:00", " 13:45", "T08:00:00Z", " 23:59:59.999+05:30", " 1:45 PM"]


@dataclass(frozen=True)
class Rendering:
    text: str
    order: DateOrder
    default_year: int | None
    year_first_two_digits: bool  # yy/mm/dd: readable only with the order declared


@st.composite
def numeric_renderings(draw: st.DrawFn, date: dt.date, order: DateOrder | None = None) -> Rendering:
    chosen: DateOrder = order if order is not None else draw(st.sampled_from(DATE_ORDERS))
    separator = draw(st.sampled_from(["-", "/", "."]))
    compact = draw(st.booleans()) and separator == "-"
    two_digit_year = draw(st.booleans())
    pad = compact or draw(st.booleans())
    year = f"{date.year % 100:02}" if two_digit_year else str(date.year)
    month, day = (f"{date.month:02}", f"{date.day:02}") if pad else (str(date.month), str(date.day))
    if chosen == "YMD" and two_digit_year:
        day = f"{date.day:02}"  # yy/mm/d is not a form we read
    parts = {"YMD": (year, month, day), "DMY": (day, month, year), "MDY": (month, day, year)}[chosen]
    text = "".join(parts) if compact else separator.join(parts)
    default_year = date.year + draw(st.integers(-49, 49)) if two_digit_year else None
    time = "" if compact and two_digit_year else draw(st.sampled_from(TIMES))
    year_first = chosen == "YMD" and two_digit_year and not compact
    return Rendering(text + time, chosen, default_year, year_first)


@st.composite
def named_renderings(draw: st.DrawFn, date: dt.date) -> str:
    name = draw(st.sampled_from(_SPELLINGS[date.month - 1].split()))
    name = draw(st.sampled_from([name, name.upper(), name.title(), f"{name}."]))
    day = draw(st.sampled_from([str(date.day), f"{date.day:02}"]))
    form = draw(
        st.sampled_from(["{d} {m} {y}", "{m} {d}, {y}", "{d}-{m}-{y}", "{d}. {m} {y}", "{y} {m} {d}"])
    )
    return form.format(d=day, m=name, y=date.year)


@given(st.data(), dates)
def test_numeric_date_reads_back_given_its_order(data: st.DataObject, date: dt.date) -> None:
    rendering = data.draw(numeric_renderings(date))
    parsed = parse_date(rendering.text, order=rendering.order, default_year=rendering.default_year)
    assert parsed.value == date, (rendering, parsed)


@given(st.data(), dates)
def test_without_order_a_date_is_read_right_or_called_ambiguous(data: st.DataObject, date: dt.date) -> None:
    rendering = data.draw(numeric_renderings(date))
    if rendering.year_first_two_digits:
        return
    parsed = parse_date(rendering.text, default_year=rendering.default_year)
    if parsed.error is None:
        assert parsed.value == date, (rendering, parsed)
    else:
        assert "ambiguous" in parsed.error, (rendering, parsed)


@given(st.data(), dates)
def test_month_name_date_reads_back(data: st.DataObject, date: dt.date) -> None:
    text = data.draw(named_renderings(date))
    assert parse_date(text).value == date, text


@given(st.data(), st.lists(dates, max_size=40), dates, st.sampled_from(["DMY", "MDY"]))
def test_infers_the_order_a_day_above_12_proves(
    data: st.DataObject, column: list[dt.date], telling: dt.date, order: DateOrder
) -> None:
    telling = telling.replace(day=max(telling.day, 13))
    values = [data.draw(numeric_renderings(date, order)) for date in [*column, telling]]
    texts = [rendering.text for rendering in values]
    texts.append(
        f"{telling.day}/{telling.month}/{telling.year}" if order == "DMY" else telling.strftime("%m/%d/%Y")
    )
    detected = infer_date_order(data.draw(st.permutations(texts)))
    assert (detected.value, detected.confidence) == (order, 1.0)


@given(st.data(), st.lists(dates, min_size=1, max_size=40))
def test_inferred_order_never_misreads_a_column(data: st.DataObject, column: list[dt.date]) -> None:
    order = data.draw(st.sampled_from(["DMY", "MDY"]))
    texts = [
        f"{d.day:02}.{d.month:02}.{d.year}" if order == "DMY" else d.strftime("%m/%d/%Y") for d in column
    ]
    detected = infer_date_order(texts)
    if detected.confidence == 1.0:
        assert [parse_date(text, order=detected.value).value for text in texts] == column

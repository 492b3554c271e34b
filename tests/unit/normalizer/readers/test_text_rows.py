"""`TextRows` gives exactly the rows one parse of the whole text gives, however it is read."""

from __future__ import annotations

import csv
import io
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalizer.errors import UnreadableFileError
from normalizer.readers.limits import Limits
from normalizer.readers.model import Row
from normalizer.readers.text_rows import read_rows


def _whole(text: str, delimiter: str = ",") -> list[Row]:
    """The rows as the reader built them before: the whole text parsed at once."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, start = [], 1
    for fields in reader:
        rows.append(Row(number=start, cells=tuple(fields)))
        start = reader.line_num + 1
    return rows


_texts = st.lists(
    st.sampled_from(
        ["a", "b1", ",", ";", '"', '""', "\n", "\r", "\r\n", " ", "é", "€", "\x0b", "\x85", "\u2028"]
    ),
    max_size=60,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=_texts, chunk=st.integers(min_value=1, max_value=5), delimiter=st.sampled_from([",", ";"]))
def test_property_rows_equal_one_parse_of_the_whole_text(text: str, chunk: int, delimiter: str) -> None:
    expected = _whole(text, delimiter)
    rows = read_rows(text, delimiter, Limits(), chunk=chunk)
    assert len(rows) == len(expected)
    assert list(rows) == expected
    assert [rows[i] for i in range(len(rows))] == expected  # random access, chunk by chunk
    assert [rows[-i] for i in range(1, len(rows) + 1)] == expected[::-1]
    assert rows == expected and rows == tuple(expected)


@settings(max_examples=100, deadline=None)
@given(text=_texts, chunk=st.integers(min_value=1, max_value=4), data=st.data())
def test_property_slices_are_views_of_the_same_rows(text: str, chunk: int, data: st.DataObject) -> None:
    expected = _whole(text)
    rows = read_rows(text, ",", Limits(), chunk=chunk)
    start = data.draw(st.integers(min_value=-3, max_value=len(expected) + 2))
    stop = data.draw(st.integers(min_value=-3, max_value=len(expected) + 2))
    view = rows[start:stop]
    assert list(view) == expected[start:stop]
    assert len(view) == len(expected[start:stop])
    assert list(view[1:]) == expected[start:stop][1:]
    assert list(rows[start:stop:2]) == expected[start:stop:2]


def test_a_large_text_numbers_its_rows_by_physical_line() -> None:
    text = "h1,h2\r\n" + "".join(f'{i},"two\nlines"\r\n' if i % 7 == 0 else f"{i},x\r\n" for i in range(5000))
    rows = read_rows(text, ",", Limits())  # the default chunk: several chunks
    expected = _whole(text)
    assert rows == expected
    assert rows[4999].number == expected[4999].number
    assert rows[3000:3003] == expected[3000:3003]


def test_index_out_of_range() -> None:
    rows = read_rows("a\nb\n", ",", Limits(), chunk=1)
    with pytest.raises(IndexError):
        rows[2]
    with pytest.raises(IndexError):
        rows[-3]


def test_rows_pickle_and_compare() -> None:
    rows = read_rows("a,b\nc,d\ne\n", ",", Limits(), chunk=2)
    again = pickle.loads(pickle.dumps(rows[1:]))
    assert list(again) == _whole("a,b\nc,d\ne\n")[1:]
    assert rows != _whole("a,b\n")
    assert repr(rows) == "TextRows(3 rows)"


def test_too_many_columns_are_refused_on_the_first_parse() -> None:
    text = "a,b\n" * 10 + ",".join(["x"] * 12) + "\n"
    with pytest.raises(UnreadableFileError, match="line 11 has 12 columns"):
        read_rows(text, ",", Limits(max_columns=10), chunk=3)


def test_a_cell_past_the_field_limit_names_its_line() -> None:
    text = 'a,b\nc,"' + "x" * (csv.field_size_limit() + 1)
    with pytest.raises(UnreadableFileError, match="line 2 has a cell longer than"):
        read_rows(text, ",", Limits())

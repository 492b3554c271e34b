"""Property: whatever `csv.writer` writes, with any delimiter and encoding, reads back equal."""

from __future__ import annotations

import csv
import io
import re

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from normalizer.readers import ReadOptions, read_workbook

DELIMITERS = (",", ";", "\t", "|")
LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Printable text with every delimiter, quotes, line breaks and non-ASCII (Latin, €, CJK, emoji);
# no other control characters (a file of them is refused as binary, rightly).
ALPHABET = st.sampled_from(list("abcXYZ09 .-,;\t|\"'\r\néüß€–“”中😀"))
CP1252_ALPHABET = st.sampled_from(list("abcXYZ09 .-,;\t|\"'\r\néüß€–“”"))
LATIN1_ALPHABET = st.sampled_from(list("abcXYZ09 .-,;\t|\"'\r\néüß¤"))

# (codec written, override given to the reader, alphabet). Single-byte encodings are given:
# any Latin-1 byte string may also be valid UTF-8, so detection cannot be exact for them.
ENCODINGS = [
    ("utf-8", None, ALPHABET),
    ("utf-8-sig", None, ALPHABET),
    ("utf-16", None, ALPHABET),  # with a BOM
    ("cp1252", "cp1252", CP1252_ALPHABET),
    ("latin-1", "latin-1", LATIN1_ALPHABET),
]


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[list[str]], str, str, str | None, str]:
    codec, override, alphabet = draw(st.sampled_from(ENCODINGS))
    width = draw(st.integers(min_value=1, max_value=6))
    cell = st.text(alphabet, max_size=12)
    rows = draw(st.lists(st.lists(cell, min_size=width, max_size=width), min_size=1, max_size=15))
    delimiter = draw(st.sampled_from(DELIMITERS))
    terminator = draw(st.sampled_from(["\r\n", "\n"]))
    return rows, delimiter, codec, override, terminator


def written(rows: list[list[str]], delimiter: str, terminator: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=terminator, quoting=csv.QUOTE_MINIMAL).writerows(
        rows
    )
    return buffer.getvalue()


def start_lines(rows: list[list[str]]) -> list[int]:
    """Physical line where each record starts: 1 + the line breaks of all earlier records."""
    lines, line = [], 1
    for row in rows:
        lines.append(line)
        line += 1 + sum(len(LINE_BREAK.findall(cell)) for cell in row)
    return lines


@settings(max_examples=300, deadline=None)
@given(tables())
def test_written_tables_read_back_equal(table: tuple[list[list[str]], str, str, str | None, str]) -> None:
    rows, delimiter, codec, override, terminator = table
    # A lone CR is quoted by csv.writer only if it is in the line terminator; unquoted, any
    # reader takes it for a line break. An empty single cell is written as "" (a quoted empty).
    assume(terminator == "\r\n" or not any("\r" in cell for row in rows for cell in row))
    assume(any(cell.strip() for row in rows for cell in row))
    data = written(rows, delimiter, terminator).encode(codec)

    workbook = read_workbook(data, options=ReadOptions(delimiter=delimiter, encoding=override))

    read_rows = workbook.sheets[0].rows
    assert [list(row.cells) for row in read_rows] == rows
    assert [row.number for row in read_rows] == start_lines(rows)


@st.composite
def regular_tables(draw: st.DrawFn) -> tuple[list[list[str]], str]:
    """At least two columns and two rows; cells may hold the delimiter, quotes and line breaks,
    but no other candidate delimiter (those would make the table honestly ambiguous)."""
    delimiter = draw(st.sampled_from(DELIMITERS))
    others = {d for d in DELIMITERS if d != delimiter}
    alphabet = st.sampled_from([c for c in 'abcXYZ09 .-"\r\né€中' + delimiter if c not in others])
    width = draw(st.integers(min_value=2, max_value=6))
    rows = draw(
        st.lists(
            st.lists(st.text(alphabet, max_size=10), min_size=width, max_size=width), min_size=2, max_size=15
        )
    )
    return rows, delimiter


@settings(max_examples=300, deadline=None)
@given(regular_tables(), st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_delimiter_and_encoding_are_detected(table: tuple[list[list[str]], str], codec: str) -> None:
    rows, delimiter = table
    assume(any(cell.strip() for row in rows for cell in row))
    data = written(rows, delimiter, "\r\n").encode(codec)

    workbook = read_workbook(data)

    assert workbook.detected["delimiter"].value == delimiter
    assert [list(row.cells) for row in workbook.sheets[0].rows] == rows

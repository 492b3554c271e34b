"""Issue 13, finding 3 (workbook part): memory proportional to the input.

A 745 KB xlsx with one 1 MB shared string used 1,000 times took 5.88 GB; two cells at A1 and
AB1048576 made the parser allocate 29 million cells (1.64 GB); rows past Excel's 1,048,576 were
accepted. Each is now refused by the package check, before the parser allocates anything.
"""

from __future__ import annotations

import random
import string
import time

import pytest

from normalizer.errors import UnreadableFileError
from normalizer.readers import Limits, ReadOptions, read_workbook

from .packages import CONTENT_TYPES, WORKBOOK_RELS, sheet_xml, xlsx

pytestmark = pytest.mark.timeout(60)

SHARED_RELS = WORKBOOK_RELS.replace(
    b"</Relationships>",
    b'<Relationship Id="rId2" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    b'Target="sharedStrings.xml"/></Relationships>',
)
SHARED_TYPES = CONTENT_TYPES.replace(
    b"</Types>",
    b'<Override PartName="/xl/sharedStrings.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
)


def shared_string_workbook(text: str, uses: int) -> bytes:
    cells = b"".join(
        f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>'.encode() for r in range(1, uses + 1)
    )
    sst = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        b' count="1" uniqueCount="1"><si><t>' + text.encode() + b"</t></si></sst>"
    )
    return xlsx(
        sheet_xml(cells),
        extra={
            "[Content_Types].xml": SHARED_TYPES,
            "xl/_rels/workbook.xml.rels": SHARED_RELS,
            "xl/sharedStrings.xml": sst,
        },
    )


def refused(data: bytes, match: str, options: ReadOptions | None = None) -> str:
    started = time.monotonic()
    with pytest.raises(UnreadableFileError, match=match) as caught:
        read_workbook(data, name="book.xlsx", options=options or ReadOptions())
    assert time.monotonic() - started < 10
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_one_megabyte_shared_string_used_a_thousand_times_is_refused_before_parsing() -> None:
    text = "".join(random.Random(13).choices(string.ascii_letters, k=1 << 20))
    data = shared_string_workbook(text, 1_000)
    assert len(data) < 1 << 20  # a small file that would expand to a gigabyte of text
    refused(data, r"^book\.xlsx: a shared string of the workbook holds over 32,767 characters")


def test_a_cell_over_the_text_limit_is_refused_exactly() -> None:
    # 40,000 characters: too few bytes to be refused unparsed, so the parsed values are checked.
    data = shared_string_workbook("é" * 40_000, 3)
    refused(data, r"a cell of sheet 'Ledger' holds 40,000 characters, over the limit of 32,767")
    # At the limit it is read.
    book = read_workbook(shared_string_workbook("é" * 32_767, 3))
    assert [len(str(row.cells[0])) for row in book.sheets[0].rows] == [32_767] * 3


def test_a_stray_far_away_cell_does_not_make_the_parser_allocate_the_whole_sheet() -> None:
    data = xlsx(
        sheet_xml(
            b'<row r="1"><c r="A1" t="inlineStr"><is><t>date</t></is></c></row>'
            b'<row r="1048576"><c r="AB1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        )
    )
    assert len(data) < 2_000
    refused(data, r"spans 29,360,128 cells \(up to row 1,048,576, column 28\) for about 2 written cells")


def test_one_far_away_cell_alone_is_read() -> None:
    data = xlsx(sheet_xml(b'<row r="1048576"><c r="AB1048576" t="inlineStr"><is><t>x</t></is></c></row>'))
    (row,) = read_workbook(data).sheets[0].rows
    assert (row.number, len(row.cells), row.cells[-1]) == (1_048_576, 28, "x")


@pytest.mark.parametrize("row", [1_048_577, 4_000_000])
def test_rows_past_excels_limit_are_refused(row: int) -> None:
    data = xlsx(sheet_xml(f'<row r="{row}"><c r="A{row}"><v>1</v></c></row>'.encode()))
    refused(data, rf"a sheet has cells in {row:,} rows, more than Excel allows \(1,048,576\)")
    declared = xlsx(sheet_xml(b'<row r="1"><c r="A1"><v>1</v></c></row>', dimension=f"A1:B{row}".encode()))
    refused(declared, rf"the workbook declares {row:,} rows, more than Excel allows")


def test_the_last_excel_row_is_still_read() -> None:
    data = xlsx(sheet_xml(b'<row r="1048576"><c r="A1048576"><v>1</v></c></row>'))
    assert read_workbook(data, options=ReadOptions(limits=Limits())).sheets[0].rows[0].number == 1_048_576


def test_an_inline_cell_over_the_text_limit_is_refused() -> None:
    cell = b'<row r="1"><c r="A1" t="inlineStr"><is><t>' + b"x" * 40_000 + b"</t></is></c></row>"
    refused(xlsx(sheet_xml(cell)), r"a cell of sheet 'Ledger' holds 40,000 characters")

"""Hostile and broken input: always a bounded `UnreadableFileError`, never a hang or a crash.

Cases that would make the Excel parser allocate without bound (zip bombs, huge or sparse used
ranges) must be refused before it runs: if a guard regressed, the parser would abort the whole
test process rather than fail one test.
"""

from __future__ import annotations

import gzip
import io
import random
import struct
import zipfile
from pathlib import Path

import openpyxl
import pytest

from normalizer.errors import UnreadableFileError
from normalizer.readers import Limits, ReadOptions, read_workbook

from .packages import claim_parts, sheet_xml, understate_size, xlsx

pytestmark = pytest.mark.timeout(20)

SAMPLES = Path(__file__).resolve().parents[4] / "fixtures" / "samples"  # copies of shared/samples/real
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared samples are not mounted")


def refused(data: bytes, match: str, *, name: str | None = None, options: ReadOptions | None = None) -> None:
    with pytest.raises(UnreadableFileError, match=match) as caught:
        read_workbook(data, name=name, options=options or ReadOptions())
    message = str(caught.value)
    assert "\n" not in message
    assert len(message) < 300


def small_xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in range(1, 50):
        sheet.append([f"2024-01-{row % 28 + 1:02d}", f"account {row}", row * 1.25])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# -- not a ledger at all -------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 17, 4096, 200_000])
def test_random_bytes(size: int) -> None:
    data = random.Random(size).randbytes(size)
    with pytest.raises(UnreadableFileError):
        read_workbook(data)


def test_binary_garbage_named_csv() -> None:
    data = random.Random(7).randbytes(100_000)
    refused(
        data,
        r"^ledger\.csv: the file is not a spreadsheet or text export: it looks like binary data$",
        name="ledger.csv",
    )


def test_mostly_nul_text_is_binary() -> None:
    refused(b"a,b\n" + b"\x00" * 10_000, "looks like binary data")


def test_empty_file() -> None:
    refused(b"", r"^the file is empty \(0 bytes\)")


@pytest.mark.parametrize("data", [b"\n", b"\n\n  \r\n\t\n", b"\xef\xbb\xbf", b" , ,\n,,\n"])
def test_only_blank_lines(data: bytes) -> None:
    refused(data, "no data: every line is blank")


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"%PDF-1.7\n...", "a PDF document"),
        (gzip.compress(b"a,b\n1,2\n"), "gzip-compressed"),
        (b"<!DOCTYPE html><html><table><tr><td>1</td></tr></table></html>", "web page"),
        (
            b'\xef\xbb\xbf<?xml version="1.0"?>\n'
            b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">',
            "2003 XML",
        ),
        (b'<?xml version="1.0"?><Document/>', "XML document"),
    ],
)
def test_foreign_formats_are_named(data: bytes, match: str) -> None:
    refused(data, match)


def test_zip_that_is_not_a_workbook() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ledger.csv", "a,b\n1,2\n")
    refused(buffer.getvalue(), "zip archive, not an Excel workbook")


def test_opendocument_spreadsheet() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    refused(buffer.getvalue(), r"OpenDocument spreadsheet \(\.ods\)")


# -- damaged workbooks ---------------------------------------------------------------------


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, -10])
def test_truncated_xlsx(keep: float) -> None:
    data = small_xlsx()
    cut = int(len(data) * keep) if keep > 0 else len(data) + int(keep)
    refused(data[:cut], "Excel workbook")


def test_part_inflating_past_its_declared_size() -> None:
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i) for i in range(1, 2000))
    data = understate_size(xlsx(sheet_xml(rows)), "xl/worksheets/sheet1.xml", 100)
    refused(data, r"unpacks to more than its declared 100 bytes \(it may be a zip bomb\)")


def test_unsupported_compression_method() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_BZIP2) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    refused(buffer.getvalue(), "unsupported compression method")


@needs_samples
@pytest.mark.parametrize("cut", [600, 3000, 5000])
def test_truncated_xls(cut: int) -> None:
    data = (SAMPLES / "akretion__account_move_generic-fr_coa.xls").read_bytes()
    refused(data[:cut], r"\.xls")


# -- zip bombs and huge ranges ---------------------------------------------------------------


def test_zip_bomb_by_compression_ratio() -> None:
    bomb = sheet_xml(b"<row/>" * 4_000_000)  # 24 MB of XML that deflates about 1000:1
    refused(xlsx(bomb), r"compressed [\d,]+:1, over the limit of 200:1 \(it may be a zip bomb\)")


def test_zip_bomb_by_declared_total_size() -> None:
    data = xlsx(sheet_xml(b"<row/>" * 200_000))
    refused(
        data,
        r"unpacks to [\d,]+ bytes, over the limit of 1,000,000",
        options=ReadOptions(limits=Limits(max_decompressed_bytes=1_000_000)),
    )


def test_zip_claiming_millions_of_parts() -> None:
    refused(claim_parts(small_xlsx(), 60_000), "60,000 parts")


def test_dimension_declaring_two_billion_rows() -> None:
    sheet = sheet_xml(b'<row r="1"><c r="A1"><v>1</v></c></row>', dimension=b"A1:B2000000000")
    refused(xlsx(sheet), r"^the workbook declares 2,000,000,000 rows, over the limit of 5,000,000$")


@pytest.mark.parametrize(
    ("cells", "match"),
    [
        (b'<row r="1"><c r="A1"><v>1</v></c><c r="XFD1048576"><v>2</v></c></row>', "16,384 columns"),
        (
            b'<row r="1"><c r="A1"><v>1</v></c></row>'
            b'<row r="2000000000"><c r="B2000000000"><v>2</v></c></row>',
            "2,000,000,000 rows",
        ),
        (
            b'<row r="1"><c r="A1"><v>1</v></c><c r="ALL1048576"><v>2</v></c></row>',
            r"spans 1,048,576,000 cells",
        ),
        (b"<row r=\"1\"><c\tr = 'XFD1048576'><v>1</v></c></row>", "16,384 columns"),
        (b'<row r="1"><c r="A1"><v>1</v></c><x:c r="ZZZ9"><v>2</v></x:c></row>', "columns"),
        (b'<x:row r="1999999"><x:c r="AB1999999"><v>1</v></x:c></x:row>', "cells"),
        (
            b'<row r="1"><c r="A1"><v>1</v></c></row><!-- <c r="A1"/> -->'
            b'<row><c r="AZ1999999"><v>1</v></c></row>',
            "cells",
        ),
        (b'<row r="1000000">' + b"<c><v>1</v></c>" * 1500 + b"</row>", "1,500 columns"),
        (b'<row r="1000000">' + b"<c><v>1</v></c>" * 900 + b"</row>", "cells"),
        (
            b"<row><c><v>1</v></c></row>" * 3
            + b'<row r="3000000"/>'
            + b"<row><c><v>1</v></c>" * 1
            + b"</row>",
            "rows",
        ),
    ],
    ids=[
        "XFD-column",
        "row-2e9",
        "area",
        "odd-attribute-syntax",
        "prefixed-cell",
        "prefixed-far-row",
        "comment-in-sheet-data",
        "ref-less-wide-row",
        "ref-less-area",
        "ref-less-far-row",
    ],
)
def test_sheets_reaching_too_far_are_refused_before_parsing(cells: bytes, match: str) -> None:
    options = ReadOptions(limits=Limits(max_rows=2_000_000))
    refused(xlsx(sheet_xml(cells)), match, options=options)


def test_cells_beyond_the_limits_are_fine_when_the_limits_allow_them() -> None:
    cells = b'<row r="1"><c r="A1"><v>1</v></c></row><row r="40000"><c r="C40000"><v>2</v></c></row>'
    rows = read_workbook(xlsx(sheet_xml(cells))).sheets[0].rows
    assert (rows[0].number, rows[-1].number, len(rows)) == (1, 40000, 40000)


@needs_samples
@pytest.mark.parametrize(("row", "column"), [(0, 0xFFFF), (0xFFFF, 0xFFFF)])
def test_xls_cell_at_far_coordinates(row: int, column: int) -> None:
    data = bytearray((SAMPLES / "akretion__account_move_generic-fr_coa.xls").read_bytes())
    rk = data.find(bytes.fromhex("7e020a00"))  # the first RK cell record
    struct.pack_into("<HH", data, rk + 4, row, column)
    refused(bytes(data), "65,536 columns, over the limit of 1,000")


# -- text over the limits ------------------------------------------------------------------


def test_single_50_mb_line_without_newline() -> None:
    refused(b"x" * (50 << 20), r"^line 1 is longer than the limit of 1,048,576 characters")


def test_long_line_after_normal_ones_is_found_with_its_number() -> None:
    data = b"a,b\r\n" * 10 + b"1," * 700_000 + b"\r\nlast,line\r\n"
    refused(data, r"^line 11 is longer than the limit")


def test_too_many_columns() -> None:
    refused(b"a," * 1500 + b"a\n", r"^line 1 has 1,501 columns, over the limit of 1,000$")


def test_too_many_lines() -> None:
    refused(b"\n" * 6_000_000, r"^the file has 6,000,000 lines, over the limit of 5,000,000 rows$")
    refused(
        b"a,b\n" * 11, "11 lines, over the limit of 10 rows", options=ReadOptions(limits=Limits(max_rows=10))
    )


def test_too_many_bytes() -> None:
    refused(
        b"a,b\n1,2\n",
        r"^the file is 8 bytes, over the limit of 4$",
        options=ReadOptions(limits=Limits(max_bytes=4)),
    )


def test_unclosed_quote_swallowing_the_file() -> None:
    data = b'a,b\n1,"never closed\n' + b"2,3\n" * 50_000
    refused(
        data,
        r"^the record starting on line 2 has a cell longer than [\d,]+ characters;"
        r" a quote is probably never closed$",
    )


def test_fixed_width_layout_on_a_workbook() -> None:
    from normalizer.readers import FixedWidthField, FixedWidthLayout

    layout = FixedWidthLayout(
        type_start=None, type_end=None, records={"": (FixedWidthField(name="a", start=1, end=2),)}
    )
    refused(
        small_xlsx(),
        "fixed-width text file, but this file is an Excel workbook",
        options=ReadOptions(fixed_width=layout),
    )


def test_far_cell_after_megabytes_of_text_without_a_tag() -> None:
    letters = bytes(range(97, 123)) * 10
    text = random.Random(3).randbytes(5 << 20).translate(letters[:256])
    cells = (
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>' + text + b'</t></is></c><c r="XFD1"><v>1</v></c></row>'
    )
    refused(xlsx(sheet_xml(cells)), "16,384 columns")

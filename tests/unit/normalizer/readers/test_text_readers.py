"""Delimited text: encodings, delimiters, quoting and line endings (fixtures/readers and bytes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from normalizer.errors import UnreadableFileError
from normalizer.readers import ReadOptions, Workbook, read_workbook
from normalizer.readers.delimited import sniff_delimiter
from normalizer.readers.encoding import decode_text

FIXTURES = Path(__file__).resolve().parents[4] / "fixtures" / "readers"


def read_fixture(name: str, **options: object) -> Workbook:
    return read_workbook((FIXTURES / name).read_bytes(), name=name, options=ReadOptions(**options))  # type: ignore[arg-type]


def cells(workbook: Workbook) -> list[tuple[object, ...]]:
    return [row.cells for row in workbook.sheets[0].rows]


def test_utf8_with_bom_and_semicolons() -> None:
    workbook = read_fixture("utf8-bom-semicolon.csv")
    assert workbook.detected["encoding"].value == "utf-8-sig"
    assert workbook.detected["delimiter"].value == ";"
    assert cells(workbook) == [
        ("Datum", "Konto", "Buchungstext", "Betrag"),  # no BOM glued to the first header
        ("02.01.2024", "1200", "Bürobedarf „Müller“", "-12,50"),
        ("03.01.2024", "8400", "Erlöse", "1.000,00"),
    ]


@pytest.mark.parametrize(
    ("name", "encoding"), [("utf16le-bom-tab.txt", "utf-16-le"), ("utf16be-bom-tab.txt", "utf-16-be")]
)
def test_utf16_with_bom_and_tabs(name: str, encoding: str) -> None:
    workbook = read_fixture(name)
    assert workbook.detected["encoding"].value == encoding
    assert workbook.detected["encoding"].confidence == 1.0
    assert workbook.detected["delimiter"].value == "\t"
    assert cells(workbook) == [
        ("Date", "Account", "Description", "Debit", "Credit"),
        ("2024-01-02", "6000", "Rent, January", "1500.00", ""),
        ("2024-01-02", "1000", "Rent, January", "", "1500.00"),
    ]


def test_pipe_delimiter_found_past_a_preamble() -> None:
    workbook = read_fixture("preamble-pipe.txt")
    assert workbook.detected["delimiter"].value == "|"
    rows = workbook.sheets[0].rows
    assert [(row.number, row.cells) for row in rows] == [
        (1, ("ACME Corp general ledger",)),
        (2, ("Period: 2024-01",)),
        (3, ()),
        (4, ("account", "name", "debit", "credit")),
        (5, ("1000", "Cash", "100.00", "")),
        (6, ("4000", "Sales", "", "100.00")),
    ]


def test_quoted_delimiters_and_newlines_keep_the_starting_line_number() -> None:
    rows = read_fixture("quoted-multiline.csv").sheets[0].rows
    assert [(row.number, row.cells) for row in rows] == [
        (1, ("date", "memo", "amount")),
        (2, ("2024-01-05", "Invoice 17, part 1", "10.00")),
        (3, ("2024-01-06", 'two\nlines "quoted"', "20.00")),
        (5, ("2024-01-07", "plain", "30.00")),  # no final newline
    ]


def test_cr_only_line_endings() -> None:
    workbook = read_fixture("cr-only.csv")
    assert workbook.detected["delimiter"].value == ";"
    assert [(row.number, row.cells) for row in workbook.sheets[0].rows] == [
        (1, ("date", "amount")),
        (2, ("2024-01-05", "1,50")),
        (3, ("2024-01-06", "-2,00")),
    ]


def test_mixed_line_endings_and_crlf_inside_quotes() -> None:
    data = b'a,b\r\n"x\r\ny",z\n1,2\r3,4'
    rows = read_workbook(data).sheets[0].rows
    assert [(row.number, row.cells) for row in rows] == [
        (1, ("a", "b")),
        (2, ("x\r\ny", "z")),
        (4, ("1", "2")),
        (5, ("3", "4")),
    ]


def test_overrides_win() -> None:
    data = "a;b,c\n1;2,3\n".encode("cp1252")
    workbook = read_workbook(data, options=ReadOptions(delimiter=",", encoding="cp1252"))
    assert workbook.detected["delimiter"].source == "override"
    assert workbook.detected["encoding"].source == "override"
    assert cells(workbook) == [("a;b", "c"), ("1;2", "3")]


def test_encoding_override_that_does_not_fit_is_refused() -> None:
    with pytest.raises(
        UnreadableFileError,
        match=r"^x.csv: the file is not valid utf-8 text \(byte 0xE9 at offset 3\); check the encoding",
    ):
        read_workbook("Café,1\n".encode("latin-1"), name="x.csv", options=ReadOptions(encoding="utf-8"))


def test_utf8_override_skips_the_bom() -> None:
    workbook = read_workbook(b"\xef\xbb\xbfa,b\n1,2\n", options=ReadOptions(encoding="utf-8"))
    assert cells(workbook)[0] == ("a", "b")


@pytest.mark.parametrize(
    ("data", "encoding", "confidence"),
    [
        (b"plain ascii", "utf-8", 1.0),
        ("Grüße €".encode(), "utf-8", 1.0),
        ("Grüße".encode("latin-1"), "latin-1", 0.9),  # no byte 0x80-0x9F: both read the same
        ("€ – “x”".encode("cp1252"), "cp1252", 0.9),
        (b"\x81\xe9", "latin-1", 0.5),  # 0x81 is unassigned in cp1252
        (b"\xff\xfea\x00b\x00", "utf-16-le", 1.0),
        (b"\xfe\xff\x00a\x00b", "utf-16-be", 1.0),
        ("date,amount\n2024,1\n".encode("utf-16-le"), "utf-16-le", 0.8),  # no BOM, NUL every other byte
        ("date,amount\n2024,1\n".encode("utf-16-be"), "utf-16-be", 0.8),
        ("a,b\n".encode("utf-32"), "utf-32-le", 1.0),
    ],
)
def test_encoding_detection(data: bytes, encoding: str, confidence: float) -> None:
    text, found = decode_text(data)
    assert (found.value, found.confidence, found.source) == (encoding, confidence, "detected")
    assert not text.startswith("\ufeff")


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("a,b,c\n1,2,3\n", ","),
        ("a;b;c\n1,5;2,5;3\n", ";"),  # decimal commas do not sway it
        ("a\tb\n1,000.00\t2\n", "\t"),
        ("a|b|c\n1|2|3\n", "|"),
        ('"x;y";z\n"1;2";3\n', ";"),
        ('x,"a;b;c;d"\ny,"e;f;g;h"\n', ","),  # delimiters inside quotes do not count
        ("Report\nFor period 2024, all entities\n\nd;a;c\n1;2;3\n4;5;6\n7;8;9\n", ";"),
        ("only one column\nno delimiter at all\n", ","),
    ],
)
def test_delimiter_sniffing(text: str, delimiter: str) -> None:
    assert sniff_delimiter(text).value == delimiter


def test_sniffing_with_no_candidate_falls_back_to_comma_by_default() -> None:
    found = sniff_delimiter("single\ncolumn\n")
    assert (found.value, found.source) == (",", "default")


def test_nul_bytes_in_text_become_replacement_characters() -> None:
    # PostgreSQL text cannot hold NUL; every tier must serve the same text (see text._replace_nul).
    workbook = read_workbook(b"a,b\nx\x00y,z\n" + b"1,2\n" * 50)
    assert workbook.sheets[0].rows[1].cells == ("x\ufffdy", "z")
    assert workbook.detected["nul_characters"].value == 1


def test_rows_of_different_widths_are_kept_as_they_are() -> None:
    rows = read_workbook(b"title\na,b,c\n1,2\n").sheets[0].rows
    assert [row.cells for row in rows] == [("title",), ("a", "b", "c"), ("1", "2")]


def test_dos_end_of_file_marker_is_dropped() -> None:
    rows = read_workbook(b"a,b\r\n1,2\r\n\x1a").sheets[0].rows
    assert [row.cells for row in rows] == [("a", "b"), ("1", "2")]


@pytest.mark.timeout(20)  # a quadratic reader would take minutes here
def test_many_rows_read_in_one_pass() -> None:
    line = b'2024-01-31,J1,4000,"Sale, net 30",1234.56,,EUR\r\n'
    data = b"date,journal,account,memo,debit,credit,currency\r\n" + line * 200_000 + b'x,"a\nb",c'
    rows = read_workbook(data).sheets[0].rows
    assert len(rows) == 200_002
    assert rows[-2].cells == ("2024-01-31", "J1", "4000", "Sale, net 30", "1234.56", "", "EUR")
    assert (rows[-1].number, rows[-1].cells) == (200_002, ("x", "a\nb", "c"))

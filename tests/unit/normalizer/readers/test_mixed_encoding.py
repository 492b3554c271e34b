"""Issue 13, finding 9 (encoding part): one bad byte in a UTF-8 file is one reported
replacement, not a whole file read as cp1252."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from normalizer import normalize
from normalizer.readers import read_workbook
from normalizer.readers.encoding import decode

SAMPLES = Path(__file__).parents[4] / "fixtures" / "samples"

LEDGER = (
    "date,account,description,debit,credit\n2024-01-02,411,Café crème,10.00,\n2024-01-03,411,Müller,,10.00\n"
)


def damaged(text: str, good: bytes, bad: bytes) -> bytes:
    data = text.encode()
    assert good in data
    return data.replace(good, bad, 1)


def test_one_invalid_sequence_is_replaced_and_reported_on_its_line() -> None:
    data = damaged(LEDGER, "Müller".encode(), b"M\xfcller")
    result = normalize(data, name="gl.csv")
    assert result.detected["encoding"].value == "utf-8"
    assert result.detected["replaced_sequences"].value == 1
    assert [r.description for r in result.records] == ["Café crème", "M\ufffdller"]
    (issue,) = [i for i in result.issues if i.code == "invalid-utf8"]
    assert (issue.row, issue.severity, issue.raw) == (3, "warning", "FC")
    assert "\n" not in issue.message


def test_each_bad_sequence_is_counted() -> None:
    data = damaged(LEDGER * 3, "Müller".encode(), b"M\xfcller").replace(b"cr\xc3\xa8me", b"cr\xe8me", 2)
    book = read_workbook(data)
    assert book.detected["replaced_sequences"].value == 3
    assert [(i.row, i.raw) for i in book.issues] == [(2, "E8"), (3, "FC"), (5, "E8")]
    assert book.sheets[0].rows[7].cells[2] == "Café crème"


def test_a_bom_file_with_a_bad_byte_is_read_with_a_replacement() -> None:
    data = codecs.BOM_UTF8 + damaged(LEDGER, "Müller".encode(), b"M\xfcller")
    book = read_workbook(data)
    assert book.detected["encoding"].value == "utf-8"
    assert [(i.row, i.raw) for i in book.issues] == [(3, "FC")]
    assert book.sheets[0].rows[0].cells[0] == "date"


def test_a_truncated_multibyte_sequence_is_one_replacement() -> None:
    decoded = decode(damaged(LEDGER, "é".encode(), b"\xc3"))
    assert decoded.text.count("\ufffd") == 1
    assert decoded.replaced == ((decoded.text.index("\ufffd"), "C3"),)


@pytest.mark.parametrize(("encoding", "expected"), [("cp1252", "cp1252"), ("latin-1", "latin-1")])
def test_single_byte_files_are_still_detected(encoding: str, expected: str) -> None:
    text = LEDGER.replace("Müller", "Müller – €5" if encoding == "cp1252" else "Müller ±5")
    book = read_workbook(text.encode(encoding))
    assert book.detected["encoding"].value == expected
    assert book.issues == ()
    assert book.sheets[0].rows[2].cells[2] == text.splitlines()[2].split(",")[2]


def test_a_cp1252_file_with_one_accidental_utf8_sequence_stays_cp1252() -> None:
    # "Ã©" in cp1252 is C3 A9, a valid UTF-8 "é"; the other accents are invalid UTF-8.
    text = "date,account,description,debit,credit\n" + "2024-01-02,411,Crème brûlée Ã©,10.00,\n" * 3
    book = read_workbook(text.encode("cp1252"))
    assert book.detected["encoding"].value in ("cp1252", "latin-1")
    assert book.sheets[0].rows[1].cells[2] == "Crème brûlée Ã©"


def test_the_real_cp1252_sample_is_still_cp1252() -> None:
    data = (SAMPLES / "hledger__sample.fr.cp1252.csv").read_bytes()
    book = read_workbook(data)
    assert book.detected["encoding"].value == "cp1252"
    assert book.issues == ()

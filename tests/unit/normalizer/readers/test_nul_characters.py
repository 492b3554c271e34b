"""NUL characters inside text cells are replaced (PostgreSQL text cannot hold them) and counted."""

from __future__ import annotations

from normalizer.readers import read_workbook


def test_nul_in_a_text_cell_becomes_a_replacement_character_and_is_reported() -> None:
    data = (
        b"Date,Account,Description,Debit,Credit\n"
        b"2025-01-02,4000,bad\x00byte,1.00,\n"
        b"2025-01-02,1200,ok,,1.00\n"
    )
    workbook = read_workbook(data, name="gl.csv")
    rows = workbook.sheets[0].rows
    assert rows[1].cells[2] == "bad\ufffdbyte"
    assert workbook.detected["nul_characters"].value == 1


def test_clean_text_reports_no_nul_characters() -> None:
    workbook = read_workbook(b"Date,Account,Debit\n2025-01-02,4000,1.00\n", name="gl.csv")
    assert "nul_characters" not in workbook.detected

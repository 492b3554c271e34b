"""OpenDocument spreadsheets (.ods): told by content, read by calamine in the bounded child,
under the same package limits as xlsx."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from normalizer.errors import UnreadableFileError
from normalizer.readers import Limits, ReadOptions, read_workbook

from .packages import understate_size

ROOT = Path(__file__).parents[4]
ODS = ROOT / "fixtures" / "readers" / "akretion__account_move_generic-fr_coa.ods"
XLSX = ROOT / "fixtures" / "samples" / "akretion__account_move_generic-fr_coa.xlsx"


def test_the_ods_gives_the_same_cells_as_the_xlsx_of_the_same_ledger() -> None:
    ods, xlsx = read_workbook(ODS.read_bytes(), name="anything.bin"), read_workbook(XLSX.read_bytes())
    assert ods.container == "ods"
    assert ods.detected["container"].value == "ods"
    assert [s.name for s in ods.sheets] == [s.name for s in xlsx.sheets]
    # The analytic text (column E) differs in the source files themselves (samples README).
    assert [_without(r.cells, 4) for r in ods.sheets[0].rows] == [
        _without(r.cells, 4) for r in xlsx.sheets[0].rows
    ]
    assert ods.sheets[0].rows[4].cells[4] == "PUR\xa0: 89,1 | SUPP\xa0: 10,9"
    assert [r.cells[4] == "" for r in ods.sheets[0].rows] == [r.cells[4] == "" for r in xlsx.sheets[0].rows]
    assert [r.number for r in ods.sheets[0].rows] == list(range(1, 10))


def _without(cells: tuple[object, ...], index: int) -> tuple[object, ...]:
    return cells[:index] + cells[index + 1 :]


def test_a_sheet_can_be_chosen() -> None:
    book = read_workbook(ODS.read_bytes(), options=ReadOptions(sheet=0))
    assert len(book.sheets) == 1


def _repacked(replace: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(ODS.read_bytes())) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, replace.get(info.filename, source.read(info.filename)))
    return out.getvalue()


def test_an_ods_whose_part_inflates_past_its_declared_size_is_refused() -> None:
    data = understate_size(_repacked({}), "content.xml", 100)
    with pytest.raises(
        UnreadableFileError, match=r"content\.xml unpacks to more than its declared 100 bytes"
    ):
        read_workbook(data)


def test_an_ods_over_the_unpacked_size_limit_is_refused() -> None:
    options = ReadOptions(limits=Limits(max_decompressed_bytes=10_000))
    with pytest.raises(UnreadableFileError, match="zip bomb"):
        read_workbook(ODS.read_bytes(), options=options)


def test_a_damaged_content_part_is_a_one_line_error() -> None:
    data = _repacked({"content.xml": b"<office:document-content><broken"})
    with pytest.raises(UnreadableFileError, match=r"OpenDocument spreadsheet \(\.ods\)") as caught:
        read_workbook(data, name="gl.ods")
    assert "\n" not in str(caught.value)


def test_an_opendocument_text_is_not_a_spreadsheet() -> None:
    data = _repacked({"mimetype": b"application/vnd.oasis.opendocument.text"})
    with pytest.raises(UnreadableFileError, match="OpenDocument document, not a spreadsheet"):
        read_workbook(data)

"""The one boundary: parser failures of any kind become `UnreadableFileError`; interrupts pass."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
import python_calamine

from normalizer.errors import UnreadableFileError
from normalizer.readers import ReadOptions, read_workbook
from normalizer.readers import parse as child_parse
from normalizer.readers import xlsx as xlsx_reader
from normalizer.readers.calamine_book import to_sheet

SAMPLES = Path(__file__).resolve().parents[4] / "fixtures" / "samples"  # copies of shared/samples/real


class PanicException(BaseException):
    """Stands in for pyo3_runtime.PanicException, which only exists once Rust has panicked."""


def workbook_bytes() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def failing(exc: BaseException):  # type: ignore[no-untyped-def]
    def read(*args: object, **kwargs: object) -> object:
        raise exc

    return read


@pytest.mark.parametrize(
    "exc",
    [
        PanicException("called `Option::unwrap()` on a `None` value"),
        RuntimeError("odd\nmulti-line"),
        MemoryError(),
    ],
)
def test_parser_failures_become_unreadable(monkeypatch: pytest.MonkeyPatch, exc: BaseException) -> None:
    # What the bounded child hands back is raised in the parent, where the boundary is.
    monkeypatch.setattr(xlsx_reader, "run_bounded", failing(exc))
    with pytest.raises(
        UnreadableFileError, match=r"^book\.xlsx: the Excel workbook \(\.xlsx\) could not be read"
    ) as caught:
        read_workbook(workbook_bytes(), name="book.xlsx")
    assert caught.value.__cause__ is exc
    assert "\n" not in str(caught.value)


def test_interrupts_are_not_swallowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_reader, "run_bounded", failing(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        read_workbook(workbook_bytes())


def test_password_hint_from_a_parser_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        xlsx_reader, "run_bounded", failing(python_calamine.PasswordError("Workbook is password protected"))
    )
    with pytest.raises(UnreadableFileError, match="password-protected"):
        read_workbook(workbook_bytes())


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared samples are not mounted")
@pytest.mark.parametrize(
    "exc", [python_calamine.CalamineError("unsupported BIFF version"), PanicException("boom")]
)
def test_xls_falls_back_to_xlrd_when_calamine_fails(
    monkeypatch: pytest.MonkeyPatch, exc: BaseException
) -> None:
    data = (SAMPLES / "akretion__account_move_generic-fr_coa.xls").read_bytes()
    expected = read_workbook(data)
    # The fallback runs inside the child (`parse_xls`); here it runs in-process, calamine failing.
    monkeypatch.setattr(child_parse, "calamine_sheets", failing(exc))
    limits = ReadOptions().limits
    assert tuple(map(to_sheet, child_parse.parse_xls(data, None, limits))) == expected.sheets
    named = child_parse.parse_xls(data, "account_move_generic-fr_coa", limits)
    assert tuple(map(to_sheet, named)) == expected.sheets

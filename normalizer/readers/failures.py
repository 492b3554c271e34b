"""The one boundary where the parsers' own exceptions become `UnreadableFileError`.

calamine, xlrd, zipfile and csv raise whatever they raise on damaged or hostile input (a Rust
panic even arrives as `pyo3_runtime.PanicException`, which is not an `Exception`). The reader
lets none of them escape: each becomes one line a user can act on, chained to the original.
"""

from __future__ import annotations

from normalizer.errors import UnreadableFileError

_WHAT = {
    "xlsx": "the Excel workbook (.xlsx) could not be read",
    "xls": "the Excel 97-2003 workbook (.xls) could not be read",
    "ods": "the OpenDocument spreadsheet (.ods) could not be read",
    "text": "the text file could not be read",
}
_DETAIL_CHARS = 160


def is_parser_panic(exc: BaseException) -> bool:
    """True for a Rust panic surfaced by a parser (a `BaseException`, not an `Exception`)."""
    return type(exc).__name__ == "PanicException"


def as_unreadable(exc: BaseException, container: str, *, name: str | None) -> UnreadableFileError:
    """A one-line `UnreadableFileError` for a parser failure on a file of `container` kind."""
    if isinstance(exc, MemoryError):
        return UnreadableFileError(f"{_WHAT[container]}: it needs more memory than is available", source=name)
    detail = " ".join(str(exc).split())[:_DETAIL_CHARS] or type(exc).__name__
    if "password" in detail.lower() or "encrypt" in detail.lower():
        return UnreadableFileError(
            "the workbook is password-protected; remove the password in Excel and export it again",
            source=name,
        )
    return UnreadableFileError(
        f"{_WHAT[container]}; it may be damaged or not really this format ({detail})", source=name
    )

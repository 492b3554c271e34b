"""Text exports: decode once, refuse what is not text, bound the lines, then parse.

A text file is fixed-width when the options give a layout (it cannot be told reliably from
delimited text by looking), else delimited.
"""

from __future__ import annotations

from normalizer.readers.delimited import read_delimited, sniff_delimiter
from normalizer.readers.encoding import Decoded, decode
from normalizer.readers.fixed_width import read_fixed_width
from normalizer.readers.lines import check_text_shape
from normalizer.readers.model import ReadOptions, Sheet, Workbook
from normalizer.readers.sniff import refuse_binary, refuse_markup
from normalizer.result import Detected, Issue

_DOS_END_OF_FILE = "\x1a"


def read_text(data: bytes, options: ReadOptions) -> Workbook:
    """One sheet (name None) of the file's records."""
    decoded = decode(data, options.encoding)
    text, encoding = decoded.text, decoded.encoding
    text = text.removesuffix(_DOS_END_OF_FILE)
    refuse_binary(text)
    text, nul_note = _replace_nul(text)
    issues, replaced_note = _replacement_notes(decoded, text)
    nul_note.update(replaced_note)
    refuse_markup(text[:4096])
    check_text_shape(text, options.limits)
    if options.fixed_width is not None:
        return Workbook(
            container="fixed-width",
            sheets=(read_fixed_width(text, options.fixed_width),),
            detected={
                "container": Detected(value="fixed-width", source="override"),
                "encoding": encoding,
                **nul_note,
            },
            issues=issues,
        )
    if options.delimiter is not None:
        delimiter = Detected(value=options.delimiter, source="override")
    else:
        delimiter = sniff_delimiter(text)
    rows = read_delimited(text, delimiter.value, options.limits)
    return Workbook(
        container="delimited",
        sheets=(Sheet(name=None, rows=rows),),
        detected={
            "container": Detected(value="delimited"),
            "encoding": encoding,
            "delimiter": delimiter,
            **nul_note,
        },
        issues=issues,
    )


def _replace_nul(text: str) -> tuple[str, dict[str, Detected]]:
    """NUL characters become U+FFFD: no database text column can hold them, and every tier must
    serve the same text. How many were replaced is reported (`nul_characters`), never silent."""
    count = text.count("\x00")
    if not count:
        return text, {}
    return text.replace("\x00", "\ufffd"), {"nul_characters": Detected(value=count)}


def _replacement_notes(decoded: Decoded, text: str) -> tuple[tuple[Issue, ...], dict[str, Detected]]:
    """One warning per invalid UTF-8 sequence replaced by U+FFFD, on its line, and their count."""
    if not decoded.replaced:
        return (), {}
    issues = tuple(
        Issue(
            row=line,
            column=None,
            raw=hexed,
            message=f"an invalid UTF-8 sequence (bytes {hexed}) was replaced by \ufffd;"
            " the file may be damaged",
            severity="warning",
            code="invalid-utf8",
        )
        for (_, hexed), line in zip(decoded.replaced, _lines(text, decoded.replaced), strict=True)
    )
    return issues, {"replaced_sequences": Detected(value=len(issues))}


def _lines(text: str, replaced: tuple[tuple[int, str], ...]) -> list[int]:
    """The line of each replacement, counted in one pass (a replacement is never a line break)."""
    lines, line, previous = [], 1, 0
    for at, _ in replaced:
        line += (
            text.count("\r", previous, at) + text.count("\n", previous, at) - text.count("\r\n", previous, at)
        )
        lines.append(line)
        previous = at
    return lines

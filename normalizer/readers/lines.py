"""Physical lines of decoded text: how many there are, and that none is absurdly long.

Both checks run at C speed (`str.count`, `str.find`) before any parsing, so a file of millions
of empty lines or one 50 MB line is refused before it costs memory. A line break is CR LF, LF
or a lone CR, as in the `csv` module.
"""

from __future__ import annotations

from normalizer.errors import UnreadableFileError
from normalizer.readers.limits import Limits, check_line


def count_lines(text: str) -> int:
    """The number of physical lines in `text` (a final line without a break counts)."""
    if not text:
        return 0
    return line_number(text, len(text)) - (1 if text[-1] in "\r\n" else 0)


def line_number(text: str, pos: int) -> int:
    """The 1-based number of the physical line holding `text[pos]`."""
    return text.count("\r", 0, pos) + text.count("\n", 0, pos) - text.count("\r\n", 0, pos) + 1


def check_text_shape(text: str, limits: Limits) -> None:
    """Refuse text with more lines than `limits.max_rows` or a line over `limits.max_line_chars`."""
    lines = count_lines(text)
    if lines > limits.max_rows:
        raise UnreadableFileError(f"the file has {lines:,} lines, over the limit of {limits.max_rows:,} rows")
    _check_line_lengths(text, limits)


def _check_line_lengths(text: str, limits: Limits) -> None:
    # Any line longer than the limit covers a whole window of half the limit: only windows
    # without a line break need a closer look, so the scan is linear and mostly in C.
    limit = limits.max_line_chars
    window = max(limit // 2, 1)
    pos = 0
    while pos + window <= len(text):
        if _break_in(text, pos, pos + window):
            pos += window
            continue
        start = _line_start(text, pos, limit)
        end = _line_end(text, pos + window, start + limit + 1)
        check_line(end - start, line_number(text, start), limits)
        pos = end


def _break_in(text: str, start: int, end: int) -> bool:
    return text.find("\n", start, end) >= 0 or text.find("\r", start, end) >= 0


def _line_start(text: str, pos: int, limit: int) -> int:
    """Where the line holding `pos` starts, or a position over `limit` back if further away."""
    lower = max(0, pos - limit - 1)
    found = max(text.rfind("\n", lower, pos), text.rfind("\r", lower, pos))
    return found + 1 if found >= 0 else lower


def _line_end(text: str, pos: int, upper: int) -> int:
    """Where the line holding `pos` ends (exclusive), or `upper` if it goes on past it."""
    upper = min(upper, len(text))
    ends = [i for i in (text.find("\n", pos, upper), text.find("\r", pos, upper)) if i >= 0]
    return min(ends) if ends else upper

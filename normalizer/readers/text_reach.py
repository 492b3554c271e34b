"""How long a cell's text can be in one xlsx part, scanned piece by piece at C speed.

One shared string is stored once and used by any number of cells, each of which the parser
expands: a 1 MB string used 1,000 times costs a gigabyte. So the shared-strings part is
refused when one of its strings certainly holds more than `Limits.max_cell_chars` characters,
and any part that may hold a longer text (shared or inline) asks for the exact check on the
parsed values (`parse._check_texts`); ordinary workbooks skip that check.

Bounds used: a character takes at least one byte and at most ten ("&#x10FFFF;"), so text bytes
over ten times the limit are surely too many characters, and a piece of XML between two
tags no longer than the limit cannot hold more.
"""

from __future__ import annotations

import re

_TAGS = re.compile(rb"<[^>]*>")
_MAX_BYTES_PER_CHAR = 10


class TextReach:
    """Accumulates one part's text lengths; `too_long` (certain) and `maybe_long` (possible)."""

    def __init__(self, *, shared: bool, limit: int) -> None:
        self._shared = shared
        self._limit = limit
        self._open_text = 0  # text bytes surely in the shared string still open
        self.longest_text = 0  # most text bytes surely in one shared string
        self.maybe_long = False

    @property
    def too_long(self) -> bool:
        return self.longest_text > _MAX_BYTES_PER_CHAR * self._limit

    def feed(self, piece: bytes) -> None:
        if not self._shared:
            self.maybe_long = self.maybe_long or _long_run(piece, self._limit)
            return
        segments = piece.split(b"<si")
        for index, segment in enumerate(segments):
            if index:  # a new string starts
                self._open_text = 0
            if len(segment) > self._limit:
                self.maybe_long = True
                self._open_text += len(_TAGS.sub(b"", segment))
                self.longest_text = max(self.longest_text, self._open_text)


def _long_run(piece: bytes, limit: int) -> bool:
    """True if `piece` may hold a run of more than `limit` bytes without a "<": such a run
    covers a whole window of half the limit, so a few `find`s per megabyte decide."""
    window = max(limit // 2, 1)
    return any(piece.find(b"<", at, at + window) < 0 for at in range(0, len(piece) - window + 1, window))

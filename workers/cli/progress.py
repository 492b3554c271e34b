"""A one-line progress bar on stderr, drawn only when stderr is a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    """`[#####.....] 120/200 60% 14.2/s` redrawn at most ten times a second; silent off a TTY."""

    def __init__(self, total: int, *, label: str = "", stream: TextIO | None = None, width: int = 30) -> None:
        self.total = total
        self.done = 0
        self._label = label
        self._stream = stream or sys.stderr
        self._width = width
        self._enabled = self._stream.isatty() and total > 0
        self._started = time.monotonic()
        self._drawn_at = 0.0

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if self._enabled and (now - self._drawn_at >= 0.1 or self.done >= self.total):
            self._drawn_at = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        share = min(1.0, self.done / self.total)
        filled = int(share * self._width)
        rate = self.done / max(now - self._started, 1e-6)
        bar = "#" * filled + "." * (self._width - filled)
        line = f"\r{self._label}[{bar}] {self.done}/{self.total} {share:.0%} {rate:.1f}/s"
        self._stream.write(line)
        self._stream.flush()

    def close(self) -> None:
        if self._enabled:
            self._stream.write("\n")
            self._stream.flush()

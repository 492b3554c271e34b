"""Delimited text (CSV and friends): which delimiter, then rows.

The delimiter is chosen on a sample by parsing it (quote-aware, with the `csv` module) with
each candidate and asking which one splits the most lines into the same number of fields:
the winner maximises (lines with the most common field count) x (that count - 1), counting
only lines with two fields or more, so preamble lines (titles, dates) and decimal commas do not
sway it. A candidate never seen next to a quote, when another is, scores a tenth: quoted
fields show which character really delimits them. The whole text is then parsed by `csv.reader`
(`normalizer.readers.text_rows`); nothing per cell happens in Python.
"""

from __future__ import annotations

import csv
import io
from collections import Counter

from normalizer.readers.limits import Limits
from normalizer.readers.text_rows import TextRows, read_rows
from normalizer.result import Detected

CANDIDATES = (",", ";", "\t", "|")
_SAMPLE_CHARS = 65536


def sniff_delimiter(text: str) -> Detected:
    """The delimiter of `text` among `CANDIDATES`, with a confidence from the runner-up's score."""
    sample = _sample(text)
    quoted = {d: sample.count(d + '"') + sample.count('"' + d) for d in CANDIDATES}
    scores = sorted(
        ((_score(sample, d, quoted), -i, d) for i, d in enumerate(CANDIDATES)),
        reverse=True,
    )
    best, second = scores[0][0], scores[1][0]
    if best == 0:
        return Detected(value=",", confidence=0.5, source="default")
    return Detected(value=scores[0][2], confidence=round(best / (best + second), 2))


def read_delimited(text: str, delimiter: str, limits: Limits) -> TextRows:
    """Every record of `text` as a `Row` (parsed on demand, see `TextRows`); `number` is the
    physical line where the record starts."""
    return read_rows(text, delimiter, limits)


def _sample(text: str) -> str:
    """The start of `text`, cut after a line break so no line is judged on a fragment."""
    if len(text) <= _SAMPLE_CHARS:
        return text
    cut = max(text.rfind("\n", 0, _SAMPLE_CHARS), text.rfind("\r", 0, _SAMPLE_CHARS))
    if cut < 0:  # one long first line: judge it whole (its length is already bounded)
        cut = min(i for i in (text.find("\n"), text.find("\r"), len(text)) if i >= 0)
    return text[: cut + 1]


def _score(sample: str, delimiter: str, quoted: dict[str, int]) -> float:
    try:
        counts = Counter(
            len(fields)
            for fields in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
            if len(fields) >= 2
        )
    except csv.Error:
        return 0
    if not counts:
        return 0
    lines, width = max((n, width) for width, n in counts.items())
    if quoted[delimiter] == 0 and any(quoted.values()):
        # Quoted fields sit next to another candidate: parsed with this one, their quotes are
        # mid-field text and their inner delimiters count as real ones.
        return lines * (width - 1) / 10
    return lines * (width - 1)

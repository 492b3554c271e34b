"""The time of day after a date, read only to be dropped: a date keeps the day as written.

A zone after the time is read and dropped too, never applied: `Z`, an offset (`+01:00`,
`-0500`), an abbreviation (`PST`, `CET`, `UTC`), an abbreviation with an offset (`GMT+1`,
`UTC+05:30`), an abbreviation in parentheses (`(CEST)`), an IANA name in brackets
(`[Europe/Paris]`, as java.time writes it). `2021-01-31T23:30:00-05:00` is 2021-01-31 although
it is already February 1 in UTC: the ledger's day is the day its author wrote.
"""

from __future__ import annotations

import re

_OFFSET = r"[+-][0-9]{1,2}(?::?[0-9]{2})?"
_ZONE = rf"(?:Z|{_OFFSET}|[A-Z]{{2,5}}(?:{_OFFSET})?|\([A-Z]{{2,5}}\))"
_TIME = re.compile(
    r"(?:T|\s+)(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})(?::[0-9]{2}(?:[.,][0-9]+)?)?"
    rf"\s*(?P<half>[AaPp]\.?[Mm]\.?)?\s*{_ZONE}?(?:\s*\[[A-Za-z_]+(?:/[A-Za-z0-9_+-]+)*\])?\Z"
)


# No date with its time and zone is longer; the bound keeps the search linear on hostile text
# (a long run of spaces before a time made it quadratic).
MAX_DATE_CHARS = 128


def drop_time(text: str) -> str | None:
    """`text` without its trailing time of day, or None if that time is not a valid time (or
    the text is too long to be a date)."""
    if len(text) > MAX_DATE_CHARS:
        return None
    match = _TIME.search(text)
    if match is None:
        return text
    hour, minute = int(match["hour"]), int(match["minute"])
    valid_hour = 1 <= hour <= 12 if match["half"] else hour <= 24
    if not valid_hour or minute > 59:
        return None
    return text[: match.start()]

"""Pick a shipped profile for a file that announces its format (first line or header names)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from normalizer.profiles.model import Profile

_SNIFF_BYTES = 16_384


def _head_text(data: bytes) -> str:
    head = data[:_SNIFF_BYTES]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace")
    return head.decode("utf-8", errors="replace").lstrip("\ufeff")


def detect_profile(data: bytes, profiles: Iterable[Profile]) -> Profile | None:
    """The first profile (in the given order) whose `detect` rule matches the file's first bytes.

    A `first_line` regex is searched at the start of the first line; `headers` must all occur
    in the first lines. Workbooks (zip / OLE containers) never match: they have no text head.
    """
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return None
    text = _head_text(data)
    first_line = text.split("\n", 1)[0].rstrip("\r")
    for profile in profiles:
        rule = profile.detect
        if rule is None:
            continue
        if rule.first_line is not None and not re.match(rule.first_line, first_line):
            continue
        if rule.headers and not all(header in text for header in rule.headers):
            continue
        if rule.first_line is not None or rule.headers:
            return profile
    return None

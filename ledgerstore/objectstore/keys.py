"""Object key validation: the one place that decides what a key may look like.

A valid key is a relative, `/`-separated path of non-empty segments, none of them `.` or `..`,
with no backslash and no control character, at most 1024 bytes of UTF-8. Such a key cannot name
anything outside the store's root directory or bucket prefix, whatever the backend.
"""

from __future__ import annotations

import unicodedata

from ledgerstore.errors import InvalidKeyError

MAX_KEY_BYTES = 1024

#: Suffix of the temporary files a local write goes through; no key segment may end with it,
#: so an in-progress write can never be mistaken for an object.
TEMP_SUFFIX = ".ledgerstore-partial"


def validate_key(key: str) -> str:
    """Return `key` unchanged if it is valid, else raise `InvalidKeyError` saying why."""
    problem = _key_problem(key)
    if problem is not None:
        raise InvalidKeyError(f"invalid object key {shown(key)}: {problem}", key=_safe(key))
    return key


def validate_prefix(prefix: str) -> str:
    """Return a listing prefix unchanged if valid: empty, or a key optionally ending in `/`."""
    if prefix == "":
        return prefix
    problem = _key_problem(prefix.removesuffix("/")) if isinstance(prefix, str) else "not a string"
    if problem is not None:
        raise InvalidKeyError(f"invalid key prefix {shown(prefix)}: {problem}", key=_safe(prefix))
    return prefix


def is_valid_key(key: str) -> bool:
    """Say whether `key` would pass `validate_key`."""
    return _key_problem(key) is None


def _key_problem(key: object) -> str | None:
    if not isinstance(key, str):
        return "not a string"
    if key == "":
        return "empty"
    size = _utf8_size(key)
    if size is None:
        return "not encodable as UTF-8"
    if size > MAX_KEY_BYTES:
        return f"longer than {MAX_KEY_BYTES} bytes"
    return _character_problem(key) or _segment_problem(key.split("/"))


def _utf8_size(key: str) -> int | None:
    try:
        return len(key.encode("utf-8"))
    except UnicodeEncodeError:  # lone surrogates
        return None


def _character_problem(key: str) -> str | None:
    if key.startswith("/"):
        return "absolute (starts with '/')"
    if key.endswith("/"):
        return "ends with '/'"
    if "\\" in key:
        return "contains a backslash"
    if any(unicodedata.category(char) == "Cc" for char in key):
        return "contains a NUL or another control character"
    return None


def _segment_problem(segments: list[str]) -> str | None:
    for segment in segments:
        if segment == "":
            return "has an empty segment ('//')"
        if segment in {".", ".."}:
            return f"has a {segment!r} segment"
        if segment.endswith(TEMP_SUFFIX):
            return f"segment ends with the reserved suffix {TEMP_SUFFIX!r}"
    return None


def shown(key: object) -> str:
    """The key as shown in messages: repr (control characters escaped), cut to one line."""
    text = repr(key)
    return text if len(text) <= 120 else text[:100] + "…" + text[-10:]


def _safe(key: object) -> str | None:
    return key if isinstance(key, str) else None

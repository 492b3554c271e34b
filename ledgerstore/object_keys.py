"""Where things live in the object store. User input never becomes a path unsanitised."""

from __future__ import annotations

import re
import unicodedata

RAW_PREFIX = "ledger-raw/"
ARTIFACT_PREFIX = "ledger-artifacts/"

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_NAME = 120


def safe_file_name(name: str) -> str:
    """A user's file name reduced to a harmless single path segment (`upload` if nothing is left).

    Directory parts are dropped, accents folded to ASCII, anything outside `A-Za-z0-9._-`
    becomes `_`, leading dots are removed (no `..`, no hidden files), and it is capped in length.
    """
    base = re.split(r"[/\\]", name)[-1]
    ascii_name = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    cleaned = _UNSAFE.sub("_", ascii_name).lstrip("._")[:_MAX_NAME]
    return cleaned or "upload"


def raw_key(raw_sha256: str, original_name: str) -> str:
    """Raw bytes are content-addressed: identical bytes share one object whatever the account."""
    if not re.fullmatch(r"[0-9a-f]{64}", raw_sha256):
        raise ValueError(f"not a sha256 hex digest: {raw_sha256!r}")
    return f"{RAW_PREFIX}{raw_sha256}/{safe_file_name(original_name)}"


def artifact_key(ledger_file_id: int) -> str:
    """`ledger-artifacts/{id}.json.gz`, as the product specification fixes it."""
    if not isinstance(ledger_file_id, int) or isinstance(ledger_file_id, bool) or ledger_file_id <= 0:
        raise ValueError(f"invalid ledger file id {ledger_file_id!r}")
    return f"{ARTIFACT_PREFIX}{ledger_file_id}.json.gz"

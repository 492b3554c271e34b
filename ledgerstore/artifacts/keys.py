"""Where artifacts live in the object store: `ledger-artifacts/{id}.json.gz` (format v1)."""

from __future__ import annotations

ARTIFACT_PREFIX = "ledger-artifacts/"


def artifact_key(ledger_file_id: int) -> str:
    """`ledger-artifacts/{id}.json.gz`, as the product specification fixes it."""
    if not isinstance(ledger_file_id, int) or isinstance(ledger_file_id, bool) or ledger_file_id <= 0:
        raise ValueError(f"invalid ledger file id {ledger_file_id!r}")
    return f"{ARTIFACT_PREFIX}{ledger_file_id}.json.gz"

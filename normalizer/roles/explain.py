"""What role detection decided, as `detected` entries (and, in `explain_text`, for a person)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from normalizer.result import Detected

if TYPE_CHECKING:
    from normalizer.mapping import ColumnMap


def describe_roles(columns: ColumnMap) -> dict[str, Detected]:
    """`columns`, `amount_model`, `roles` (per column evidence) and `side_mapping` entries."""
    source = columns.source
    out = {
        "columns": Detected(value=columns.describe(), confidence=1.0, source=source),
        "amount_model": Detected(value=columns.model, confidence=1.0, source=source),
    }
    if columns.evidence:
        scores = [e.score for e in columns.evidence if e.role in ("debit", "credit", "amount")]
        out["roles"] = Detected(
            value=[e.as_dict() for e in columns.evidence],
            confidence=round(min(scores, default=1.0), 2),
            source=source,
        )
    if columns.amount_note:
        out["amount_source"] = Detected(value=columns.amount_note, confidence=1.0, source=source)
    if columns.side_tokens:
        out["side_mapping"] = Detected(value=dict(columns.side_tokens), confidence=1.0, source=source)
    return out

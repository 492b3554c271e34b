"""Why a column got its role: the header phrase matched, the content shares, one score."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from normalizer.roles.content import ColumnContent
from normalizer.roles.vocabulary import HeaderMatch

_HOW = {"exact": 1.0, "folded": 0.9, "prefix": 0.75, "suffix": 0.6}
#: The content share that supports each role (None: content says nothing for or against).
_SUPPORT: Mapping[str, str] = {
    "posted_on": "date",
    "debit": "amount",
    "credit": "amount",
    "amount": "amount",
    "gross": "amount",
    "fee": "amount",
    "net": "amount",
    "balance": "amount",
    "side": "side",
    "currency": "currency",
    "account": "code",
}
#: Below this share of the sample a header match is not believed (`Valuta` holding dates is no
#: currency; a `Type` column of words is no side flag). Half, so a few bad cells stay row issues.
MIN_SUPPORT: Mapping[str, float] = {
    "date": 0.5,
    "amount": 0.5,
    "side": 0.5,
    "currency": 0.5,
    "code": 0.0,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnEvidence:
    """One column's role (None: an attribute), what supports it and a 0.0 - 1.0 score."""

    column: int
    name: str
    role: str | None
    header: HeaderMatch | None
    content: ColumnContent | None
    score: float
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"column": self.column + 1, "name": self.name, "role": self.role}
        if self.header is not None:
            out["header"] = {
                "field": self.header.field,
                "phrase": self.header.phrase,
                "how": self.header.how,
                "rank": self.header.rank,
            }
        if self.content is not None:
            out["content"] = self.content.as_dict()
        out["score"] = round(self.score, 2)
        if self.note:
            out["note"] = self.note
        return out


def support(role: str, content: ColumnContent | None) -> float | None:
    """The content share backing `role`, or None without a sample or for a text role."""
    kind = _SUPPORT.get(role)
    if content is None or kind is None or content.filled == 0:
        return None
    return float(getattr(content, kind))


#: The share a `weak` header phrase needs (`Transaction Type` holding `Deposit`, `Expense`).
WEAK_SUPPORT = 0.9


def believable(role: str, content: ColumnContent | None, *, weak: bool = False) -> bool:
    """Whether the sample allows this role (an empty or unsampled column always does)."""
    share = support(role, content)
    kind = _SUPPORT.get(role)
    if share is None or kind is None:
        return True
    return share >= (WEAK_SUPPORT if weak else MIN_SUPPORT[kind])


def score(header: HeaderMatch | None, role: str, content: ColumnContent | None) -> float:
    """Header strength (by how it matched) blended with the content share that backs the role."""
    head = _HOW[header.how] if header is not None else 0.0
    share = support(role, content)
    if header is None:
        return 0.6 * (share or 0.0)
    return head if share is None else 0.6 * head + 0.4 * share

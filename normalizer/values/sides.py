"""Sides: the debit/credit indicator of a cell (`D`/`C`, `S`/`H`, `1`/`2`, ...)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Literal

from normalizer.roles.vocabulary import vocabulary
from normalizer.values.cells import CellValue

Side = Literal["debit", "credit"]

_DEBIT: Side = "debit"
_CREDIT: Side = "credit"

#: Tokens understood when no profile gives its own, already normalized (trimmed, case-folded, a
#: trailing dot dropped): the `[sides]` of `normalizer/roles/vocabulary.toml` (data), e.g.
#: `S`/`H` (DATEV's Soll/Haben), `1`/`2` (AEB Norma 43), `1`/`-1` (Sage Intacct's `tr_type`),
#: `Af`/`Bij` (Dutch banks), `debit`/`credit`.
DEFAULT_SIDE_TOKENS: Mapping[str, Side] = MappingProxyType(
    {token: (_DEBIT if side == "debit" else _CREDIT) for token, side in vocabulary().sides.items()}
)


def parse_side(raw: CellValue, mapping: Mapping[str, str] | None = None) -> Side | None:
    """Read one cell as a side: "debit", "credit", or None when the token is not known.

    Tokens match trimmed and case-insensitively, with or without a trailing dot (`Dr.`). An
    explicit `mapping` (token -> "debit" | "credit", from a profile) replaces the defaults
    entirely. An empty cell, a date cell or an unknown token gives None; the caller reports it.
    A mapping whose values are not "debit" or "credit" is a ValueError.
    """
    token = _token(raw)
    if token is None:
        return None
    if mapping is None:
        return DEFAULT_SIDE_TOKENS.get(_normalize(token))
    side = mapping.get(token)
    if side is None:
        key = _normalize(token)
        side = next((value for name, value in mapping.items() if _normalize(name) == key), None)
        if side is None:
            return None
    if side == "debit":
        return _DEBIT
    if side == "credit":
        return _CREDIT
    raise ValueError(f"a side mapping must map to 'debit' or 'credit', not {side!r}")


def _token(raw: CellValue) -> str | None:
    if isinstance(raw, str):
        return raw
    if isinstance(raw, Decimal):
        if raw.is_finite() and raw == raw.to_integral_value():
            return str(int(raw))  # a workbook's 1.0 or 2.0
        return None
    if isinstance(raw, dt.date):
        return None
    raise TypeError(f"a cell must be str, Decimal, date or datetime, not {type(raw).__name__}")


def _normalize(token: str) -> str:
    token = token.strip().casefold()
    return token[:-1] if len(token) > 1 and token.endswith(".") else token

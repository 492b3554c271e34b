"""Date patterns from profiles, in strptime-like syntax: `%d.%m.%Y`, `%d%m`, `%y%m%d`, `%d-%b-%y`.

Directives: `%d` day, `%m` month, `%b`/`%B` month name (any language `_months` knows), `%y`
two-digit year, `%Y` four-digit year; `%H` `%I` `%M` `%S` `%f` `%p` `%z` `%Z` match a time and
are ignored; `%%` is a percent sign. A space matches any run of whitespace. A numeric directive
next to another numeric directive (`%d%m`) is fixed width (2 digits, 4 for `%Y`); elsewhere `%d`
and `%m` take one or two digits. A pattern needs a day and a month; without a year the caller's
default year is used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_WIDTH = {"d": 2, "m": 2, "y": 2, "Y": 4, "H": 2, "I": 2, "M": 2, "S": 2}
_FLEXIBLE = {"d": "[0-9]{1,2}", "m": "[0-9]{1,2}", "H": "[0-9]{1,2}", "I": "[0-9]{1,2}", "M": "[0-9]{2}"}
_NAME = r"[^\W\d_]+\.?"
_OTHER = {
    "b": _NAME,
    "B": _NAME,
    "f": "[0-9]{1,6}",
    "p": r"[AaPp]\.?[Mm]\.?",
    "z": r"Z|[+-][0-9]{2}(?::?[0-9]{2})?",
    "Z": "[A-Za-z]{1,5}",
    "%": "%",
}
_FIELD = {"d": "day", "m": "month", "b": "name", "B": "name", "y": "yy", "Y": "year"}


@dataclass(frozen=True, slots=True, kw_only=True)
class DatePattern:
    """A compiled pattern. `width` is the digit count when it is only adjacent numeric fields."""

    pattern: str
    regex: re.Pattern[str]
    width: int | None


@lru_cache(maxsize=128)
def compile_pattern(pattern: str) -> DatePattern:
    """Compile a strptime-like `pattern`; a malformed one is a ValueError naming the problem."""
    tokens = _tokens(pattern)
    fields = [token[1] for token in tokens if token[0] == "%" and token[1] in _FIELD]
    names = [_FIELD[field] for field in fields]
    if (
        len(set(names)) != len(names)
        or ("month" in names and "name" in names)
        or {"yy", "year"} <= set(names)
    ):
        raise ValueError(f"date pattern {pattern!r} names a day, month or year twice")
    if "day" not in names or not {"month", "name"} & set(names):
        raise ValueError(f"date pattern {pattern!r} needs a day (%d) and a month (%m or %b)")
    parts: list[str] = []
    for index, (kind, text) in enumerate(tokens):
        if kind != "%":
            parts.append(r"\s+" if text.isspace() else re.escape(text))
            continue
        expression = _expression(text, _numeric_neighbour(tokens, index))
        parts.append(f"(?P<{_FIELD[text]}>{expression})" if text in _FIELD else f"(?:{expression})")
    compact = all(kind == "%" and text in _WIDTH for kind, text in tokens)
    width = sum(_WIDTH[text] for _, text in tokens) if compact else None
    return DatePattern(pattern=pattern, regex=re.compile("".join(parts), re.IGNORECASE), width=width)


def _tokens(pattern: str) -> list[tuple[str, str]]:
    """("%", directive) and ("", literal) tokens, in order; unknown directives raise."""
    tokens: list[tuple[str, str]] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char != "%":
            tokens.append(("", char))
            index += 1
            continue
        directive = pattern[index + 1 : index + 2]
        if directive not in _WIDTH and directive not in _OTHER:
            raise ValueError(f"date pattern {pattern!r} has an unknown directive %{directive}")
        tokens.append(("%", directive))
        index += 2
    return tokens


def _numeric_neighbour(tokens: list[tuple[str, str]], index: int) -> bool:
    neighbours = tokens[max(index - 1, 0) : index] + tokens[index + 1 : index + 2]
    return any(kind == "%" and text in _WIDTH for kind, text in neighbours)


def _expression(directive: str, fixed: bool) -> str:
    if directive in _WIDTH:
        if fixed or directive not in _FLEXIBLE:
            return f"[0-9]{{{_WIDTH[directive]}}}"
        return _FLEXIBLE[directive]
    return _OTHER[directive]

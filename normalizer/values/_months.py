"""Month names and abbreviations in English, German, French, Spanish, Italian and Dutch."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from types import MappingProxyType

# One line per month: every spelling in every language, full and abbreviated. No spelling
# names two different months in two languages (a test checks), so no language is chosen.
_SPELLINGS: tuple[str, ...] = (
    "january jan januar jänner jän janvier janv enero ene gennaio gen januari",
    "february feb februar feber février févr fév fevr febrero febbraio februari",
    "march mar märz mär mrz mars marzo maart mrt",
    "april apr avril avr abril abr aprile",
    "may mai mayo maggio mag mei",
    "june jun juni juin junio giugno giu",
    "july jul juli juillet juil julio luglio lug",
    "august aug août aout agosto ago augustus",
    "september sep sept septembre septiembre setiembre set settembre",
    "october oct oktober okt octobre octubre ottobre ott",
    "november nov noviembre novembre",
    "december dec dezember dez décembre déc diciembre dic dicembre",
)


def _fold(word: str) -> str:
    """Case-fold and drop accents, so `MÄRZ`, `märz` and `marz` are one key."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _table() -> dict[str, int]:
    table: dict[str, int] = {}
    for month, line in enumerate(_SPELLINGS, start=1):
        for word in line.split():
            table[word.casefold()] = month
            table[_fold(word)] = month
    return table


MONTHS: Mapping[str, int] = MappingProxyType(_table())


def month_number(word: str) -> int | None:
    """The month (1-12) `word` names, with or without a trailing dot, in any case; else None."""
    word = word.rstrip(".")
    key = word.casefold()
    month = MONTHS.get(key)
    return month if month is not None else MONTHS.get(_fold(key))

"""The header vocabulary (`vocabulary.toml`) and how a header is folded to be looked up in it."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from types import MappingProxyType

_NON_WORD = re.compile(r"[^0-9a-z]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
#: A unit or currency in brackets, or after a final "in" (`Bedrag (EUR)`, `Betrag in €`).
_UNIT = re.compile(r"\s*[\(\[][^\)\]]{0,12}[\)\]]\s*|\s+in\s+(?:[A-Za-z]{3}|\W{1,3})\s*$")
_TRAILING_CODE = re.compile(r"\s+(?:[A-Z]{3}|[$€£¥])\s*$")
#: Rank offsets: an exact phrase beats a folded one, which beats a prefix, then a suffix.
FOLDED, PREFIX, SUFFIX = 50, 100, 200
#: Fields whose header may name them by its first words (`Betrag EUR`, `Debit Amount USD`).
_PREFIX_FIELDS = ("debit", "credit", "amount", "currency", "gross", "fee", "net")


@dataclass(frozen=True, slots=True, kw_only=True)
class HeaderMatch:
    """One header's best vocabulary entry: the field, its rank (lower is better), the phrase."""

    field: str
    rank: int
    phrase: str
    how: str  # "exact", "folded", "prefix" or "suffix"
    weak: bool = False  # the phrase also names other things: the cells must nearly all fit


@dataclass(frozen=True, slots=True, kw_only=True)
class Vocabulary:
    phrases: Mapping[str, tuple[str, ...]]
    suffixes: Mapping[str, tuple[str, ...]]
    sides: Mapping[str, str]  # folded token -> "debit" | "credit"
    currencies: frozenset[str]  # ISO 4217 codes, upper case
    weak: frozenset[tuple[str, str]]  # (field, folded phrase) that need strong content
    index: Mapping[str, tuple[tuple[str, int], ...]]  # phrase -> (field, rank), file order
    prefixes: Mapping[str, tuple[tuple[str, int, str], ...]]  # first word -> (field, rank, phrase)


def fold(text: str) -> str:
    """Fold case, accents, punctuation and whitespace: `Soll/Haben-Kz.` -> `soll haben kz`."""
    if text.isascii():  # NFKD and accents change nothing; casefold is lower (most cells)
        return _NON_WORD.sub(" ", text.lower()).strip()
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", ascii_text.casefold().replace("ß", "ss")).strip()


def header_words(text: str) -> str:
    """`fold` after splitting camelCase and dropping a unit: `AmountInEUR (net)` -> `amount`."""
    stripped = _TRAILING_CODE.sub("", _UNIT.sub(" ", text)).strip() or text
    return fold(_CAMEL.sub(" ", stripped))


@cache
def vocabulary() -> Vocabulary:
    """The shipped vocabulary, read once."""
    raw = tomllib.loads(resources.files(__package__).joinpath("vocabulary.toml").read_text("utf-8"))
    phrases = {name: tuple(fold(p) for p in spec["phrases"]) for name, spec in raw["fields"].items()}
    suffixes = {name: tuple(spec.get("suffixes", ())) for name, spec in raw["fields"].items()}
    index: dict[str, tuple[tuple[str, int], ...]] = {}
    for name, entries in phrases.items():
        for rank, phrase in enumerate(entries):
            if all(field != name for field, _ in index.get(phrase, ())):
                index[phrase] = (*index.get(phrase, ()), (name, rank))
    sides = {token.casefold(): side for side in ("debit", "credit") for token in raw["sides"][side]}
    prefixes: dict[str, list[tuple[str, int, str]]] = {}
    for name in _PREFIX_FIELDS:
        for rank, phrase in enumerate(phrases[name]):
            prefixes.setdefault(phrase.split(" ", 1)[0], []).append((name, rank, phrase))
    return Vocabulary(
        prefixes=MappingProxyType({word: tuple(found) for word, found in prefixes.items()}),
        phrases=MappingProxyType(phrases),
        suffixes=MappingProxyType(suffixes),
        sides=MappingProxyType(sides),
        currencies=frozenset(code.upper() for code in raw["currencies"]["codes"]),
        weak=frozenset((name, fold(p)) for name, spec in raw["fields"].items() for p in spec.get("weak", ())),
        index=MappingProxyType(index),
    )


def match_words(text: str) -> HeaderMatch | None:
    """The best vocabulary entry for one header, or None."""
    found = match_all(text)
    return found[0] if found else None


@lru_cache(maxsize=1 << 12)
def match_all(text: str) -> tuple[HeaderMatch, ...]:
    """Every field the header can name, best first: a phrase listed under two fields
    (`Valuta`: a German value date, a Dutch or Italian currency) gives both, and the
    column's content decides. Memoized: header search asks about the same cells often."""
    if not any(ch.isalpha() for ch in text):
        return ()  # a number or a date names no column
    vocab = vocabulary()
    key = fold(text)
    if not key:
        return ()
    if key in vocab.index:
        return tuple(
            HeaderMatch(field=name, rank=rank, phrase=key, how="exact", weak=(name, key) in vocab.weak)
            for name, rank in vocab.index[key]
        )
    words = header_words(text)
    if words and words != key and words in vocab.index:
        return tuple(
            HeaderMatch(
                field=name, rank=FOLDED + rank, phrase=words, how="folded", weak=(name, words) in vocab.weak
            )
            for name, rank in vocab.index[words]
        )
    for candidate in dict.fromkeys((key, words)):
        found = _prefix(vocab, candidate)
        if found is not None:
            return (found,)
    suffix = _suffix(vocab, words or key)
    return () if suffix is None else (suffix,)


def _prefix(vocab: Vocabulary, key: str) -> HeaderMatch | None:
    """The header starts with a money field's phrase and more words (`Betrag EUR`)."""
    found = [
        (_PREFIX_FIELDS.index(name), rank, name, phrase)
        for name, rank, phrase in vocab.prefixes.get(key.split(" ", 1)[0], ())
        if key.startswith(phrase + " ")
    ]
    if not found:
        return None
    _order, rank, name, phrase = min(found)
    return HeaderMatch(field=name, rank=PREFIX + rank, phrase=phrase, how="prefix")


def _suffix(vocab: Vocabulary, key: str) -> HeaderMatch | None:
    if " " in key:
        key = key.rsplit(" ", 1)[1]
    for name, endings in vocab.suffixes.items():
        for rank, ending in enumerate(endings):
            if key.endswith(ending) and len(key) > len(ending) + 2:
                return HeaderMatch(field=name, rank=SUFFIX + rank, phrase=f"*{ending}", how="suffix")
    return None

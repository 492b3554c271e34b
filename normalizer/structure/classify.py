"""Row kinds: what each row below the header is, so only ledger lines become records."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from importlib import resources
from itertools import pairwise
from typing import Any

from normalizer.mapping import normalize_header
from normalizer.structure.cells import Cell, RowLike, cell_text

_LABELS_FILE = "total_labels.toml"


def _phrase_tokens(phrase: str) -> list[str]:
    """A phrase as regex pieces: one per character, a word gap between words, an end mark."""
    prefix = phrase.endswith("*")
    words = phrase.rstrip("*").lower().split()
    pieces: list[str] = []
    for index, word in enumerate(words):
        if index:
            pieces.append(r"[\s-]*")
        pieces.extend(re.escape(char) for char in word)
    pieces.append("" if prefix else r"(?!\w)")
    return pieces


def _trie_pattern(phrases: Sequence[str]) -> str:
    """One regex for all phrases, factored by common prefixes: a long word list then costs about
    as much to test as a short one (a flat alternation is tried branch by branch)."""
    trie: dict[str, Any] = {}
    for phrase in phrases:
        node = trie
        for piece in _phrase_tokens(phrase):
            node = node.setdefault(piece, {})
        node[""] = {}

    def render(node: dict[str, Any]) -> str:
        branches = [piece + render(child) for piece, child in sorted(node.items()) if piece]
        if "" in node:
            branches.append("")
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"

    return render(trie)


def _load_labels() -> tuple[str, ...]:
    data = tomllib.loads(resources.files(__package__).joinpath(_LABELS_FILE).read_text(encoding="utf-8"))
    phrases = {phrase for words in data["labels"].values() for phrase in words}
    return tuple(sorted(phrases))


_PHRASES = _load_labels()

#: Labels of subtotal and total rows, from the word list in `total_labels.toml` (data).
DEFAULT_TOTAL_LABEL = (
    r"(?i)^\s*(?=["
    + re.escape("".join(sorted({p[0].lower() for p in _PHRASES})))
    + "])"
    + _trie_pattern(_PHRASES)
)

#: A cheap first test for `DEFAULT_TOTAL_LABEL`: the first letter of some phrase (either case,
#: ASCII), or any non-ASCII character (case folding can map those onto ASCII letters: `ſ`, `K`).
TOTAL_LABEL_START = (
    r"^\s*(?:["
    + "".join(sorted({c for p in _PHRASES if p[0].isascii() for c in (p[0].lower(), p[0].upper())}))
    + r"]|[^\x00-\x7f])"
)


class RowKind(StrEnum):
    BLANK = "blank"
    HEADER = "header"  # a header repeated (page headers, per-account blocks)
    GROUP = "group"  # a section title such as `Account: 101 - Cash` or a date range
    TOTAL = "total"  # a subtotal or total row; its figures are checked
    NOTE = "note"  # only text in a description column: belongs to the lines above it
    SKIPPED = "skipped"  # matched a profile skip rule
    DATA = "data"


_FOLD_CACHE = 1 << 16  # distinct texts remembered per file (header words, codes, names)


@dataclass(frozen=True, slots=True, kw_only=True)
class Classifier:
    """Decides the kind of each row from the header, the amount columns and the profile rules."""

    header_keys: tuple[str, ...]
    amount_columns: tuple[int, ...]
    description_columns: tuple[int, ...]
    ignored_columns: frozenset[int]
    total_label: re.Pattern[str]
    skip: tuple[tuple[int, re.Pattern[str]], ...] = ()
    # Folded text of cells seen so far: a ledger repeats the same names, codes and dates.
    _folded: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)
    # Per named column (`_named`), whether a text folds to its header; per first text, whether
    # it is a total label. Filled as rows come: a ledger repeats its texts.
    _named: tuple[int, ...] = field(default=(), init=False, repr=False, compare=False)
    _matches: tuple[dict[str, bool], ...] = field(default=(), init=False, repr=False, compare=False)
    _labels: dict[str, bool] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        named = tuple(i for i, k in enumerate(self.header_keys) if k)
        object.__setattr__(self, "_named", named)
        object.__setattr__(self, "_matches", tuple({} for _ in named))

    def classify(self, cells: Sequence[Cell]) -> RowKind:
        ignored = self.ignored_columns
        # Typed cells (numbers, dates) always have text; a string is filled unless blank.
        filled = [i for i, cell in enumerate(cells) if type(cell) is not str or cell.strip()]
        if ignored:
            filled = [i for i in filled if i not in ignored]
        if not filled:
            return RowKind.BLANK
        if any(c < len(cells) and p.search(cell_text(cells[c])) for c, p in self.skip):
            return RowKind.SKIPPED
        return RowKind.HEADER if self._is_header(cells) else self._content_kind(cells, filled)

    def _content_kind(self, cells: Sequence[Cell], filled: list[int]) -> RowKind:
        first_column = filled[0]
        amounts = self.amount_columns
        if first_column not in amounts and self._is_total_label(cell_text(cells[first_column])):
            return RowKind.TOTAL
        if any(i in amounts for i in filled):
            return RowKind.DATA
        if len(filled) == 1:
            return RowKind.NOTE if first_column in self.description_columns else RowKind.GROUP
        return RowKind.DATA

    def _is_total_label(self, text: str) -> bool:
        known = self._labels.get(text)
        if known is None:
            known = self.total_label.search(text) is not None
            if len(self._labels) < _FOLD_CACHE:
                self._labels[text] = known
        return known

    def _is_header(self, cells: Sequence[Cell]) -> bool:
        """Enough cells equal their column's header once folded; stops as soon as it cannot be."""
        named = self._named
        if not named:
            return False
        keys = self.header_keys
        ignored = self.ignored_columns
        width = len(cells)
        wanted = max(2, (len(named) + 1) // 2)
        misses_allowed = len(named) - wanted
        same = misses = 0
        for i, known in zip(named, self._matches, strict=True):
            hit = False
            if i < width and i not in ignored:
                cell = cells[i]
                if type(cell) is not str:
                    hit = self._folds_to(cell, keys[i])
                elif (seen := known.get(cell)) is not None:
                    hit = seen
                else:
                    hit = self._folds_to(cell, keys[i])
                    if len(known) < _FOLD_CACHE:
                        known[cell] = hit
            if hit:
                same += 1
                if same >= wanted:
                    return True
            else:
                misses += 1
                if misses > misses_allowed:
                    return False
        return False

    def _folds_to(self, cell: Cell, key: str) -> bool:
        if type(cell) is not str:
            return normalize_header(cell_text(cell)) == key
        folded = self._folded.get(cell)
        if folded is None:
            folded = normalize_header(cell.strip())
            if len(self._folded) < _FOLD_CACHE:
                self._folded[cell] = folded
        return folded == key


def index_columns(headers: Sequence[str], rows: Sequence[RowLike], *, sample: int = 200) -> frozenset[int]:
    """Unnamed columns that only count rows (a spreadsheet's saved row index): 0, 1, 2, ...

    They stay in the attributes but are ignored when telling group rows from ledger lines.
    """
    found = set()
    for column, header in enumerate(headers):
        if header:
            continue
        values = [
            r.cells[column] for r in rows[:sample] if column < len(r.cells) and cell_text(r.cells[column])
        ]
        if len(values) >= 2 and all(isinstance(v, Decimal) and v == v.to_integral_value() for v in values):
            numbers = [v for v in values if isinstance(v, Decimal)]
            if all(b > a for a, b in pairwise(numbers)):
                found.add(column)
    return frozenset(found)

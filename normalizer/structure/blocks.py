"""Blocks of ledger lines: continuation rows, journals, group context and description rows.

A block is the run of lines of one transaction. In split-style exports (GnuCash, QuickBooks,
hand-kept journals) only a block's first line carries the date / transaction id / text, and the
lines after it inherit them. Group rows such as `Account: 101 - Cash` give the account of the
lines below them; a row holding only a description belongs to the block above it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from normalizer.structure.assemble import Line

_ACCOUNT_GROUP = re.compile(
    r"(?i)^\s*(?:account|acct|konto|sachkonto|compte|cuenta|rekening)\s*(?:no\.?|number|nr\.?)?\s*:?\s*"
    r"(?P<code>[0-9][\w.\-/]*)\s*(?:[-–—:]\s*)?(?P<name>.*?)\s*$"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class BlockRules:
    """How lines group into blocks. All empty: every line stands alone."""

    inherit: tuple[str, ...] = ()  # fields a continuation line takes from its block's first line
    journal_key: tuple[str, ...] = ()  # a change of these values starts a new block
    synthesize_journal: bool = False  # journal := the block's ordinal ("1", "2", ...)

    @property
    def active(self) -> bool:
        return bool(self.inherit or self.journal_key)


def account_from_group(text: str) -> tuple[str, str] | None:
    """(code, name) from a group row such as `Account: 101 - Cash`, else None."""
    match = _ACCOUNT_GROUP.match(text)
    if match is None:
        return None
    return match.group("code"), match.group("name")


def _value(line: Line, name: str) -> str:
    if name == "posted_on":
        return line.posted_on.isoformat() if line.posted_on else ""
    if name == "currency":
        return line.currency
    if name in line.texts:
        return line.texts[name]
    return line.attributes.get(name, "")


class BlockWalker:
    """Receives lines and structure rows in source order; emits finished lines via `emit`."""

    def __init__(self, rules: BlockRules, emit: Callable[[Line], None]) -> None:
        self.rules = rules
        self.emit = emit
        self.block: list[Line] = []
        self.head: Line | None = None
        self.key: tuple[str, ...] | None = None
        self.ordinal = 0
        self.group_account: tuple[str, str] | None = None

    def line(self, line: Line, *, starts_block: bool) -> None:
        rules = self.rules
        if not rules.active or self.head is None:
            self._start(line)
        elif not starts_block:
            for name in rules.inherit:
                if not _value(line, name):
                    _copy(self.head, line, name)
        elif rules.journal_key:
            self.head = line  # the key decides where the block ends; later lines inherit from here
        else:
            self._start(line)
        if rules.journal_key:
            key = tuple(_value(line, name) for name in rules.journal_key)
            if self.key is not None and key != self.key and self.block:
                self._start(line)
            self.key = key
        if self.group_account and not line.texts.get("account"):
            line.texts["account"], name = self.group_account
            line.texts["account_name"] = line.texts.get("account_name") or name
        if rules.synthesize_journal and not line.texts.get("journal"):
            line.texts["journal"] = str(self.ordinal)
        self.block.append(line)

    def _start(self, line: Line) -> None:
        self.flush()
        self.head = line
        self.ordinal += 1

    def note(self, text: str) -> bool:
        """A row holding only a description: fills the blank descriptions of the lines above."""
        lines = self.block if self.rules.active else self.block[-1:]
        if not lines or any(line.texts.get("description") for line in lines):
            return False
        for line in lines:
            line.texts["description"] = text
        return True

    def group(self, text: str) -> None:
        """A section title: ends the block; `Account: 101 - Cash` sets the account below it."""
        self.boundary()
        self.group_account = account_from_group(text)

    def boundary(self) -> None:
        """A total row, repeated header or group row: the next line starts a new block."""
        self.flush()
        self.head = None
        self.key = None

    def flush(self) -> None:
        for line in self.block:
            self.emit(line)
        self.block = []
        if not self.rules.active:
            self.head = None


def _copy(source: Line, target: Line, name: str) -> None:
    if name == "posted_on":
        target.posted_on = source.posted_on
    elif name == "currency":
        target.currency = source.currency
    else:
        target.texts[name] = source.texts.get(name, "")

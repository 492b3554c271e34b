"""The README's CLI table names every subcommand and every option the parser has."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from workers.cli.main import build_parser

README = Path(__file__).resolve().parents[2] / "README.md"


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found.update(action.choices)
    return found


def _rows() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## CLI") :]
    section = section[: section.index("\n## ", 4)]
    return [line for line in section.splitlines() if line.startswith("| `")]


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_every_subcommand_and_option_is_in_the_readme(name: str) -> None:
    rows = [row for row in _rows() if re.match(rf"\| `{re.escape(name)}\b", row) or f"`{name} " in row]
    assert rows, f"no README row for `ledgerstore {name}`"
    text = " ".join(rows)
    options = {
        option
        for action in _subcommands()[name]._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    }
    missing = sorted(option for option in options if option not in text)
    assert not missing, f"README row for `{name}` does not mention {missing}"

"""Cost mapping files: account codes, ranges and patterns → cost categories with a flag.

TOML, one table per category, in the order the report lists them:

    [[category]]
    name = "Salaries and wages"
    flag = "indirect-base"          # direct | indirect-base | excluded
    accounts = ["6000-6099", "6150", "61*"]

or CSV with the header `account,category,flag` (one account spec per line; the flag may be left
empty after a category's first line). An account spec is an exact code (`6150`), an inclusive
numeric range (`6000-6999`, matching codes made only of digits) or a glob pattern (`61*`,
`6?00`). Exact codes win; otherwise the first matching range or pattern in file order does.
"""

from __future__ import annotations

import csv
import fnmatch
import hashlib
import io
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

from reporting.errors import MappingFileError

Flag = Literal["direct", "indirect-base", "excluded"]
FLAGS: tuple[Flag, ...] = ("direct", "indirect-base", "excluded")

_RANGE = re.compile(r"(\d+)\s*-\s*(\d+)")


@dataclass(frozen=True, slots=True)
class Category:
    name: str
    flag: Flag


@dataclass(frozen=True, slots=True)
class _Rule:
    spec: str
    category: Category
    low: int | None = None  # set for ranges
    high: int | None = None

    def matches(self, account: str) -> bool:
        if self.low is not None and self.high is not None:
            return account.isdigit() and self.low <= int(account) <= self.high
        return fnmatch.fnmatchcase(account, self.spec)


@dataclass(frozen=True, slots=True, kw_only=True)
class CostMapping:
    """Categories in report order and the rules that map accounts to them.

    `name` and `sha256` (of the file's bytes) identify the mapping in a report's provenance.
    """

    name: str
    sha256: str
    categories: tuple[Category, ...]
    codes: dict[str, Category]
    rules: tuple[_Rule, ...]

    @classmethod
    def load(cls, path: str | Path) -> CostMapping:
        """Read a `.toml` or `.csv` mapping file (the suffix decides the format)."""
        path = Path(path)
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in ("toml", "csv"):
            raise MappingFileError(path.name, "a mapping file must be .toml or .csv")
        return cls.parse(path.read_bytes(), name=path.name, fmt=cast(Literal["toml", "csv"], fmt))

    @classmethod
    def parse(cls, data: bytes, *, name: str, fmt: Literal["toml", "csv"]) -> CostMapping:
        """Parse mapping bytes (UTF-8) in `fmt`; `name` is how errors and provenance call it."""
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise MappingFileError(name, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        entries = _toml_entries(text, name) if fmt == "toml" else _csv_entries(text, name)
        return _build(entries, name=name, sha256=hashlib.sha256(data).hexdigest())

    def category_of(self, account: str) -> Category | None:
        """The account's category, or None when no code, range or pattern matches it."""
        exact = self.codes.get(account)
        if exact is not None:
            return exact
        return next((rule.category for rule in self.rules if rule.matches(account)), None)


#: (line or None, account spec, category name, flag or "" to reuse the category's flag)
_Entry = tuple[int | None, str, str, str]


def _toml_entries(text: str, name: str) -> list[_Entry]:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingFileError(name, f"not valid TOML: {exc}") from None
    tables = document.get("category")
    if not isinstance(tables, list) or not tables:
        raise MappingFileError(name, "expected one or more [[category]] tables")
    entries: list[_Entry] = []
    for number, table in enumerate(tables, 1):
        category, flag, accounts = _toml_category(table, name, number)
        entries.extend((None, spec, category, flag) for spec in accounts)
    return entries


def _toml_category(table: Any, name: str, number: int) -> tuple[str, str, list[str]]:
    where = f"[[category]] number {number}"
    if not isinstance(table, dict):
        raise MappingFileError(name, f"{where} must be a table")
    unknown = sorted(set(table) - {"name", "flag", "accounts"})
    if unknown:
        raise MappingFileError(name, f"{where}: unknown keys {', '.join(unknown)}")
    category, flag, accounts = table.get("name"), table.get("flag"), table.get("accounts")
    if not isinstance(category, str) or not category.strip():
        raise MappingFileError(name, f"{where} needs a name")
    if not isinstance(flag, str):
        raise MappingFileError(name, f"{where} ({category}) needs a flag: {', '.join(FLAGS)}")
    if not isinstance(accounts, list) or not all(isinstance(spec, str) for spec in accounts) or not accounts:
        raise MappingFileError(name, f"{where} ({category}) needs accounts, a list of strings")
    return category.strip(), flag, accounts


def _csv_entries(text: str, name: str) -> list[_Entry]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [cell.strip().lower() for cell in next(reader, [])]
    if header[:3] != ["account", "category", "flag"]:
        raise MappingFileError(name, "the header must be account,category,flag", line=1)
    entries: list[_Entry] = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < 2:
            raise MappingFileError(name, "expected account,category,flag", line=reader.line_num)
        flag = row[2].strip() if len(row) > 2 else ""
        entries.append((reader.line_num, row[0], row[1].strip(), flag))
    if not entries:
        raise MappingFileError(name, "the file maps no accounts")
    return entries


def _build(entries: list[_Entry], *, name: str, sha256: str) -> CostMapping:
    categories: dict[str, Category] = {}
    codes: dict[str, Category] = {}
    rules: list[_Rule] = []
    for line, raw_spec, category_name, flag in entries:
        spec = raw_spec.strip()
        if not spec or not category_name:
            raise MappingFileError(name, "every line needs an account spec and a category", line=line)
        category = _category(categories, category_name, flag, name, line)
        if any(char in spec for char in "*?["):
            rules.append(_Rule(spec, category))
        elif match := _RANGE.fullmatch(spec):
            low, high = int(match[1]), int(match[2])
            if low > high:
                raise MappingFileError(name, f"range {spec!r} runs backwards", line=line)
            rules.append(_Rule(spec, category, low, high))
        elif codes.setdefault(spec, category) != category:
            raise MappingFileError(
                name,
                f"account {spec} is mapped to both {codes[spec].name!r} and {category.name!r}",
                line=line,
            )
    return CostMapping(
        name=name, sha256=sha256, categories=tuple(categories.values()), codes=codes, rules=tuple(rules)
    )


def _category(
    categories: dict[str, Category], name_: str, flag: str, name: str, line: int | None
) -> Category:
    """The category called `name_`, created on first sight with `flag` (consistent after)."""
    known = categories.get(name_)
    if known is not None:
        if flag and flag != known.flag:
            raise MappingFileError(
                name, f"category {name_!r} is flagged both {known.flag!r} and {flag!r}", line=line
            )
        return known
    if name_ == "(unmapped)":
        raise MappingFileError(name, "the name (unmapped) is reserved for unmapped accounts", line=line)
    if flag not in FLAGS:
        raise MappingFileError(
            name, f"category {name_!r}: flag {flag!r} is not one of {', '.join(FLAGS)}", line=line
        )
    category = categories[name_] = Category(name_, flag)
    return category

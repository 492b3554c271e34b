"""Reading profile values strictly: each converter checks one value's type and names its key."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

from normalizer.errors import ProfileError

T = TypeVar("T")


class _Table:
    """A profile table being read: takes keys one by one, then refuses any key left over."""

    def __init__(self, data: object, where: str) -> None:
        if not isinstance(data, Mapping):
            raise ProfileError(f"{where} must be a table")
        self.data = dict(data)
        self.where = where

    def take(self, key: str, convert: Callable[[object, str], T], default: Any) -> T:
        if key not in self.data:
            return cast(T, default)
        return convert(self.data.pop(key), f"{self.where}.{key}")

    def finish(self) -> None:
        if self.data:
            key = sorted(self.data)[0]
            raise ProfileError(f"unknown key '{key}' in {self.where}")


def _str(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise ProfileError(f"{where} must be a string")
    return value


def _opt_str(value: object, where: str) -> str | None:
    return _str(value, where)


def _int(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProfileError(f"{where} must be an integer")
    return value


def _opt_int(value: object, where: str) -> int | None:
    return _int(value, where)


def _bool(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise ProfileError(f"{where} must be true or false")
    return value


def _regex(value: object, where: str) -> str:
    text = _str(value, where)
    try:
        re.compile(text)
    except re.error as exc:
        raise ProfileError(f"{where} is not a valid regular expression: {exc}") from exc
    return text


def _choice(*choices: str) -> Callable[[object, str], str]:
    def convert(value: object, where: str) -> str:
        if value not in choices:
            raise ProfileError(f"{where} must be one of {', '.join(choices)}")
        return str(value)

    return convert


def _str_list(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ProfileError(f"{where} must be a list of strings")
    return tuple(_str(item, f"{where}[{i}]") for i, item in enumerate(value))


def _list(value: object, where: str) -> list[object]:
    if not isinstance(value, list):
        raise ProfileError(f"{where} must be a list")
    return value


def _any(value: object, where: str) -> object:
    return value

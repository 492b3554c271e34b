"""Which records a report looks at: a date range and an account filter."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from reporting.errors import ReportParameterError


@dataclass(frozen=True, slots=True)
class AccountFilter:
    """Account codes to keep: exact codes, and prefixes written `61*`.

    `AccountFilter.parse("4000,61*")` keeps account 4000 and every account starting with 61.
    """

    codes: frozenset[str]
    prefixes: tuple[str, ...]
    text: str

    @classmethod
    def parse(cls, spec: str | Iterable[str]) -> AccountFilter:
        items = spec.split(",") if isinstance(spec, str) else list(spec)
        entries = list(dict.fromkeys(item.strip() for item in items if item.strip()))
        if not entries:
            raise ReportParameterError("accounts", "give at least one account code or prefix*")
        codes: set[str] = set()
        prefixes: list[str] = []
        for entry in entries:
            stem = entry.removesuffix("*")
            if not stem or any(char in stem for char in "*?["):
                raise ReportParameterError(
                    "accounts", f"{entry!r}: use an account code (6100) or a prefix ending in * (61*)"
                )
            if entry.endswith("*"):
                prefixes.append(stem)
            else:
                codes.add(entry)
        return cls(codes=frozenset(codes), prefixes=tuple(prefixes), text=",".join(entries))

    def __call__(self, account: str) -> bool:
        return account in self.codes or account.startswith(self.prefixes)

    def __str__(self) -> str:
        return self.text


AccountsArg = AccountFilter | str | Iterable[str] | None


def account_filter(accounts: AccountsArg) -> AccountFilter | None:
    """Normalize the forms the API accepts (`"4000,61*"`, a list, a filter) to a filter or None."""
    if accounts is None or isinstance(accounts, AccountFilter):
        return accounts
    return AccountFilter.parse(accounts)


DateArg = dt.date | str | None


def parse_date(value: DateArg, parameter: str) -> dt.date | None:
    """A date from a `date` or an ISO `YYYY-MM-DD` string (what `--from`/`--to` take)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        raise ReportParameterError(parameter, "give a date, not a datetime")
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ReportParameterError(parameter, f"{value!r} is not a date like 2025-01-31") from None


@dataclass(frozen=True, slots=True)
class DateRange:
    """An inclusive range of posting dates; an open end is `None`.

    When either end is set, records without a posting date are outside the range.
    """

    start: dt.date | None = None
    end: dt.date | None = None

    @classmethod
    def of(cls, date_from: DateArg, date_to: DateArg) -> DateRange:
        start, end = parse_date(date_from, "from"), parse_date(date_to, "to")
        if start is not None and end is not None and start > end:
            raise ReportParameterError("from", f"{start} is after --to {end}")
        return cls(start, end)

    @property
    def bounded(self) -> bool:
        return self.start is not None or self.end is not None

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, dt.date):
            return not self.bounded
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def parameters(self) -> list[tuple[str, str]]:
        out = []
        if self.start is not None:
            out.append(("from", self.start.isoformat()))
        if self.end is not None:
            out.append(("to", self.end.isoformat()))
        return out


def account_key(account: str) -> tuple[str | int, ...]:
    """Sort key that orders account codes naturally: 999 before 1000, 61-2 before 61-10."""
    parts = _DIGITS.split(account)
    return tuple(int(part) if index % 2 else part for index, part in enumerate(parts))


_DIGITS = re.compile(r"(\d+)")

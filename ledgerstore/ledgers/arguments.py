"""Checking the API's arguments before anything is stored or queried.

The CLI checks its own (`workers.cli.arguments`); templating code calling `LedgerStore` gets the
same limits here, as an `InvalidArgumentError` naming the argument — not a driver error with SQL.
The limits are the database's own CHECK constraints (`ledgerstore.db.schema`).
"""

from __future__ import annotations

from typing import Any

from ledgerstore.errors import LedgerStoreError

FISCAL_YEARS = (1900, 2999)
MAX_ACCOUNT_LENGTH = 200


class InvalidArgumentError(LedgerStoreError):
    """An argument of the API is of the wrong type or out of range; `argument` names it."""

    def __init__(self, argument: str, message: str) -> None:
        self.argument = argument
        super().__init__(f"{argument}: {message}")


def check_fiscal_year(value: Any, argument: str = "fiscal_year") -> int:
    """A fiscal year is an int from 1900 to 2999 (not the string "2025", not a bool)."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidArgumentError(argument, f"must be an int year, not {type(value).__name__} {value!r}")
    low, high = FISCAL_YEARS
    if not low <= value <= high:
        raise InvalidArgumentError(argument, f"{value} is outside {low}–{high}")
    return value


def check_account(value: Any, argument: str = "account") -> str:
    """An account is a non-empty str of at most 200 printable characters."""
    if not isinstance(value, str):
        raise InvalidArgumentError(argument, f"must be a str, not {type(value).__name__} {value!r}")
    if not value.strip():
        raise InvalidArgumentError(argument, "must not be empty")
    if len(value) > MAX_ACCOUNT_LENGTH:
        raise InvalidArgumentError(argument, f"is longer than {MAX_ACCOUNT_LENGTH} characters")
    if not value.isprintable():
        raise InvalidArgumentError(argument, "must not contain control characters")
    return value


def check_ledger_id(value: Any, argument: str = "ledger_file_id") -> int:
    """A ledger file id is a positive int."""
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value < 2**63:
        raise InvalidArgumentError(argument, f"must be a positive int id, not {value!r}")
    return value

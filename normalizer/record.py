"""The normalized ledger record: one line of a general ledger, exact and traceable."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Literal

#: What a field holds, which fixes its Python type, its JSON form, its COPY form and its column:
#: id        int (None only before the record is stored)   JSON number   bigint
#: integer   int                                           JSON number   integer
#: date      datetime.date or None                         ISO string    date
#: text      str                                           JSON string   text
#: money     canonical non-negative Decimal                JSON string   numeric
#: mapping   str -> str, sorted by key in JSON             JSON object   jsonb
FieldKind = Literal["id", "integer", "date", "text", "money", "mapping"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordField:
    """One field of the record: its name, what it holds, and whether storage may leave it null."""

    name: str
    kind: FieldKind
    nullable: bool = False


#: The one declaration of the record. Its order is the field order everywhere: the `Record`
#: class, canonical JSON (artifacts, JSON Lines, checksums), COPY rows and the hot table's
#: columns (`ledgerstore.db.schema` and `ledgerstore.hot` derive theirs from it; tests check
#: that `Record`, the canonical encoder and the migrated table agree with it).
RECORD_SCHEMA: tuple[RecordField, ...] = (
    RecordField(name="ledger_file_id", kind="id"),
    RecordField(name="row_number", kind="integer"),
    RecordField(name="posted_on", kind="date", nullable=True),
    RecordField(name="account", kind="text"),
    RecordField(name="account_name", kind="text"),
    RecordField(name="description", kind="text"),
    RecordField(name="reference", kind="text"),
    RecordField(name="journal", kind="text"),
    RecordField(name="debit", kind="money"),
    RecordField(name="credit", kind="money"),
    RecordField(name="currency", kind="text"),
    RecordField(name="attributes", kind="mapping"),
)

#: Field order of a record everywhere: hot table, artifacts, JSON Lines, CSV, Python API.
RECORD_FIELDS: tuple[str, ...] = tuple(spec.name for spec in RECORD_SCHEMA)
#: The money fields (checked non-negative and canonical on every `Record`).
MONEY_FIELDS: tuple[str, ...] = tuple(spec.name for spec in RECORD_SCHEMA if spec.kind == "money")

_ZERO = Decimal(0)
_TWO_PLACES = Decimal("0.01")


def canonical_amount(value: Decimal) -> Decimal:
    """Return `value` in its one canonical form: at least two decimals, no trailing zeros beyond.

    `5` -> `5.00`, `1.2300` -> `1.23`, `1.235` -> `1.235`. The value is never rounded, so two
    amounts are equal as numbers exactly when their canonical forms are equal as strings.
    A float is refused: money never passes through binary floating point.
    """
    if not isinstance(value, Decimal):
        raise TypeError(f"money must be a Decimal, not {type(value).__name__}")
    if not value.is_finite():
        raise ValueError(f"money must be finite, got {value}")
    normalized = value.normalize()
    exponent = normalized.as_tuple().exponent
    assert isinstance(exponent, int)
    if exponent > -2:
        normalized = normalized.quantize(_TWO_PLACES)
    if normalized == _ZERO:
        return _ZERO.quantize(_TWO_PLACES)  # no "-0.00"
    return normalized


@dataclass(frozen=True, slots=True, kw_only=True)
class Record:
    """One normalized ledger line.

    `debit` and `credit` are exact, non-negative Decimals in canonical form (see
    `canonical_amount`). `row_number` is the 1-based line (text) or sheet row (workbooks) the
    record came from. `attributes` holds every source column that was not mapped, by header.
    """

    ledger_file_id: int | None
    row_number: int
    posted_on: dt.date | None
    account: str
    account_name: str
    description: str
    reference: str
    journal: str
    debit: Decimal
    credit: Decimal
    currency: str
    attributes: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in MONEY_FIELDS:
            value = getattr(self, name)
            amount = canonical_amount(value)
            if amount < 0:
                raise ValueError(f"{name} must not be negative, got {value}")
            if amount is not value:
                object.__setattr__(self, name, amount)
        if isinstance(self.posted_on, dt.datetime):
            raise TypeError("posted_on must be a date, not a datetime")
        if not isinstance(self.attributes, MappingProxyType):
            object.__setattr__(self, "attributes", MappingProxyType(dict(self.attributes)))

    def with_ledger_file_id(self, ledger_file_id: int | None) -> Record:
        """Return a copy of this record that belongs to `ledger_file_id`."""
        values = {name: getattr(self, name) for name in RECORD_FIELDS}
        values["ledger_file_id"] = ledger_file_id
        return Record(**values)

    def as_dict(self) -> dict[str, Any]:
        """The record as a plain dict in field order (values keep their Python types)."""
        values = {name: getattr(self, name) for name in RECORD_FIELDS}
        values["attributes"] = dict(self.attributes)
        return values


class RecordDraft:
    """`Record`'s slots without its frozen guard: how trusted readers build records fast.

    Fill every slot with plain attribute stores, then seal the draft in place with
    `draft.__class__ = Record` (CPython allows it: same slots, same layout). The result is an
    ordinary `Record`; building it this way is about twice as fast as setting each slot through
    the frozen class's descriptors. Only for values already in canonical form (see
    `trusted_record`); `tests/unit/test_artifact_format.py` checks the layouts stay alike.
    """

    __slots__ = RECORD_FIELDS

    ledger_file_id: int | None
    row_number: int
    posted_on: dt.date | None
    account: str
    account_name: str
    description: str
    reference: str
    journal: str
    debit: Decimal
    credit: Decimal
    currency: str
    attributes: Mapping[str, str]


def trusted_record(  # noqa: PLR0917 -- positional on purpose: it is the hot loop of every reader
    ledger_file_id: int | None,
    row_number: int,
    posted_on: dt.date | None,
    account: str,
    account_name: str,
    description: str,
    reference: str,
    journal: str,
    debit: Decimal,
    credit: Decimal,
    currency: str,
    attributes: dict[str, str],
) -> Record:
    """A `Record` from values already in canonical form (positional, `RECORD_FIELDS` order), unchecked.

    Only for values that come from our own canonical encodings (artifacts, hot rows, columnar
    results): debit and credit canonical non-negative Decimals, posted_on a date or None,
    attributes a fresh dict the record may own. Skipping `__post_init__` makes reading a
    million records several times cheaper; every other caller builds `Record(...)` and is
    validated.
    """
    draft = RecordDraft()
    draft.ledger_file_id = ledger_file_id
    draft.row_number = row_number
    draft.posted_on = posted_on
    draft.account = account
    draft.account_name = account_name
    draft.description = description
    draft.reference = reference
    draft.journal = journal
    draft.debit = debit
    draft.credit = credit
    draft.currency = currency
    draft.attributes = MappingProxyType(attributes)
    draft.__class__ = Record  # type: ignore[assignment]  # sealed: from here on a frozen Record
    return draft  # type: ignore[return-value]

"""A profile: how one export format is laid out, declared as data (see docs/profiles.md).

Profiles are loaded from TOML or JSON by `normalizer.profiles.loader`; this module only holds
the frozen shapes. Every setting is optional: what a profile leaves out is detected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

#: A source column named by its header text, or by its 1-based position.
ColumnRef = str | int

#: Record fields a profile (or header synonyms) can map a column to, plus the amount inputs.
MAPPABLE_FIELDS: tuple[str, ...] = (
    "posted_on",
    "account",
    "account_name",
    "description",
    "reference",
    "journal",
    "debit",
    "credit",
    "amount",
    "side",
    "currency",
)

#: Fields a continuation row may inherit from the first row of its block.
INHERITABLE_FIELDS: tuple[str, ...] = (
    "posted_on",
    "journal",
    "description",
    "reference",
    "account",
    "currency",
)

RecordRole = Literal["record", "continuation", "context", "control", "closing", "ignore"]
#: How a fixed-width field's characters are read: as written ("text"), digits with implied
#: decimals ("number"), or digits whose last character also carries the sign ("overpunch":
#: `{` `A`-`I` are +0..+9, `}` `J`-`R` are -0..-9, the COBOL signed zoned-decimal convention),
#: or the sum of the amounts in a run of repeated groups of separated fields ("amount_sum":
#: BAI2 account summaries `010,500000,,Z,015,...`, `group` fields each, amount at `amount_at`).
FieldKind = Literal["text", "number", "overpunch", "amount_sum"]
TotalScope = Literal["block", "block-after-first", "block-absolute", "block-negated"]


def _frozen_map(value: Mapping[str, object] | None = None) -> Mapping[str, object]:
    return MappingProxyType(dict(value or {}))


@dataclass(frozen=True, slots=True, kw_only=True)
class Detect:
    """How a file announces this format: a regex on its first line, or header names it has."""

    first_line: str | None = None
    headers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class YearFrom:
    """Where the year of short dates comes from: a cell of the preamble holding a start date."""

    row: int
    column: int
    pattern: str = "%Y%m%d"


@dataclass(frozen=True, slots=True, kw_only=True)
class SkipRule:
    """Rows whose `column` matches the regex `pattern` are kept out of the records."""

    column: ColumnRef
    pattern: str


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldLayout:
    """One field of a fixed-width record type: 1-based, inclusive character columns."""

    name: str
    start: int
    end: int
    kind: FieldKind = "text"
    decimals: int | None = None  # implied decimals of a number or overpunch field
    decimals_from: str | None = None  # ... or the field of the same record that states them
    chars: tuple[int, int] | None = None  # only these 1-based characters of the field
    # Separated records: the field runs to the end of the record (a free text with commas).
    to_end: bool = False
    # Separated records: when this field's value is a key, the fields after it sit that many
    # places later (BAI2 funds type `S` is followed by 3 amounts); they join this field's value.
    shift: Mapping[str, int] = field(default_factory=_frozen_map)  # type: ignore[arg-type]
    group: int = 0  # amount_sum: fields per group
    amount_at: int = 0  # amount_sum: 1-based place of the amount in a group


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordLayout:
    """One record type of a fixed-width file and what its lines mean.

    role: "record" (one ledger line), "continuation" (extends the previous record: `append`
    joins the named fields into a new column), "context" (file/statement header whose `carry`
    fields are copied to the records after it), "control" (control totals), "closing" (a
    closing balance stated apart from the control totals: its fields join the next control
    record's), "ignore".
    """

    kind: str
    role: RecordRole
    fields: tuple[FieldLayout, ...]
    append: Mapping[str, tuple[str, ...]] = field(default_factory=_frozen_map)  # type: ignore[arg-type]
    carry: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class FixedWidth:
    """Layout of a fixed-width file: where the record type sits and each type's fields."""

    type_start: int | None
    type_end: int | None
    records: tuple[RecordLayout, ...]
    # Separated records instead of fixed columns (BAI2): fields are numbered, not cut by column.
    separator: str | None = None
    terminator: str = ""
    continuation: str | None = None
    record_length: int | None = None  # records may also follow each other without line breaks

    def layout(self, kind: str) -> RecordLayout | None:
        for record in self.records:
            if record.kind == kind:
                return record
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class Control:
    """Control totals a file states in its own records (e.g. AEB43 record 33), by field name."""

    kind: str
    debit_count: str | None = None
    debit_total: str | None = None
    credit_count: str | None = None
    credit_total: str | None = None
    closing_balance: str | None = None
    closing_side: str | None = None
    opening_kind: str | None = None
    opening_balance: str | None = None
    opening_side: str | None = None
    # The control record's total of every amount, debits and credits alike (BAI2 record 49),
    # less an amount the opening record states and the total includes (BAI2 03 summaries).
    movement_total: str | None = None
    movement_total_less: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Profile:
    """Everything known in advance about one export format. Unset settings are detected."""

    name: str
    description: str = ""
    detect: Detect | None = None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | int | None = None
    header: bool = True
    header_row: int | None = None
    columns: Mapping[str, tuple[ColumnRef, ...]] = field(default_factory=_frozen_map)  # type: ignore[arg-type]
    names: Mapping[int, str] = field(default_factory=lambda: MappingProxyType({}))
    decimal_mark: str | None = None
    date_order: str | None = None
    date_pattern: str | None = None
    year: int | None = None
    year_from: YearFrom | None = None
    positive: Literal["debit", "credit"] = "debit"
    side_tokens: Mapping[str, str] = field(default_factory=_frozen_map)  # type: ignore[arg-type]
    amount_scale: int = 0
    currency: str | None = None
    skip: tuple[SkipRule, ...] = ()
    total_label: str | None = None
    total_scope: TotalScope | None = None
    inherit: tuple[str, ...] | None = None
    journal_key: tuple[str, ...] = ()
    fixed_width: FixedWidth | None = None
    control: Control | None = None

"""A ledger file's status, and every move between statuses the product makes, in one place.

    pending ──────┬──► active ──► superseded
    registered ───┤        ▲
    failed ◄──────┤        │ (a newer upload switched in: the older one is superseded)
    rejected ◄────┘        │
      │ (reprocessed, or accepted)
      └──► pending ────────┘

pending     uploaded (raw stored), not processed yet
registered  a legacy upload brought under management, never processed by this product
active      the latest successfully processed upload of its account + fiscal year: has hot rows
superseded  processed successfully, but not (or no longer) the active one
failed      processing failed; `error` says why; the raw file is kept
rejected    normalized, but some rows could not become records (error-level issues): stored raw
            with its issues, nothing switched; `reprocess` corrects or accepts it

Adding a status: add the member, its moves in `TRANSITIONS`, and a migration for the CHECK
constraint (`ledgerstore.db.schema` derives it from this enum).
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Where a ledger file is in its life (compares equal to its string value)."""

    PENDING = "pending"
    REGISTERED = "registered"
    ACTIVE = "active"
    SUPERSEDED = "superseded"
    FAILED = "failed"
    REJECTED = "rejected"

    @property
    def processed(self) -> bool:
        """Processing finished for good: there is nothing left for `process_ledger` to do."""
        return self in _PROCESSED

    @property
    def unprocessed(self) -> bool:
        """Nothing is served from it yet, so a permanent failure may mark it failed."""
        return self in _UNPROCESSED

    @property
    def backfillable(self) -> bool:
        """A missing artifact of a ledger in this status is created by backfill."""
        return self in _BACKFILLABLE

    @property
    def stamps_processed_at(self) -> bool:
        """Entering this status records when processing ended."""
        return self in _STAMPED

    def can_become(self, target: Status) -> bool:
        """True when the product may move a ledger file from this status to `target`."""
        return target in TRANSITIONS[self]


#: Every move the product makes. A failed ledger may fail again (a new reason is recorded).
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.PENDING: frozenset({Status.ACTIVE, Status.SUPERSEDED, Status.FAILED, Status.REJECTED}),
    Status.REGISTERED: frozenset({Status.ACTIVE, Status.SUPERSEDED, Status.FAILED, Status.REJECTED}),
    Status.FAILED: frozenset({Status.PENDING, Status.FAILED, Status.REJECTED}),
    Status.REJECTED: frozenset({Status.PENDING, Status.FAILED}),
    Status.ACTIVE: frozenset({Status.SUPERSEDED}),
    Status.SUPERSEDED: frozenset(),
}

_PROCESSED = frozenset({Status.ACTIVE, Status.SUPERSEDED})
_UNPROCESSED = frozenset({Status.PENDING, Status.REGISTERED, Status.FAILED, Status.REJECTED})
_BACKFILLABLE = frozenset({Status.REGISTERED, Status.ACTIVE})
_STAMPED = frozenset({Status.ACTIVE, Status.SUPERSEDED, Status.FAILED, Status.REJECTED})
#: Statuses `reprocess` corrects in place (pending: completing an interrupted reprocess).
CORRECTABLE = frozenset({Status.FAILED, Status.REJECTED})

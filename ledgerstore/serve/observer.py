"""What the retriever reports as it serves records, for metrics (a worker exports them)."""

from __future__ import annotations

from typing import Protocol


class RetrievalObserver(Protocol):
    """Told about every read: which tier served it, each reprocess, each integrity incident."""

    def served(self, tier: str) -> None: ...

    def reprocessed(self) -> None: ...

    def integrity_incident(self, kind: str) -> None: ...


class NoObserver:
    """The default: nobody is listening."""

    def served(self, tier: str) -> None:
        pass

    def reprocessed(self) -> None:
        pass

    def integrity_incident(self, kind: str) -> None:
        pass

"""A ledger's records as served by the retriever: lazy, single-pass, and aware of its tier."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from operator import attrgetter
from types import TracebackType
from typing import TYPE_CHECKING, Literal

from ledgerstore.errors import RecordsIntegrityError
from ledgerstore.ledgers.model import LedgerFile
from ledgerstore.summary import SummaryBuilder
from normalizer.record import RECORD_FIELDS, Record

if TYPE_CHECKING:
    import pandas as pd

Tier = Literal["hot", "cold", "reprocessed"]
_VALUES = attrgetter(*RECORD_FIELDS)


class RecordSet:
    """The records of one ledger file, in row order, streamed from the tier that served them.

    Iterate it once (it streams with bounded memory), or call `to_list()` / `to_dataframe()`.
    `records_sha256` is the canonical checksum recorded for the ledger; after a full iteration
    `served_sha256` is the checksum of what was actually served (they are equal, or the stream
    raised). A stream that checks its own records against the checksum (`checked_by_source`:
    a verified artifact, records just summarized while being frozen) is not digested a second
    time; hot rows are, and a mismatch raises `RecordsIntegrityError` once the last row has been
    yielded (after `on_mismatch` records the incident): a consumer that wants no tampered output
    writes or reports nothing before the iteration ends. Close it (or use it as a context
    manager) to release a database connection early.
    """

    def __init__(
        self,
        *,
        ledger: LedgerFile,
        tier: Tier,
        records: Iterator[Record],
        records_sha256: str,
        on_close: Callable[[], None] | None = None,
        checked_by_source: bool = False,
        on_mismatch: Callable[[str], None] | None = None,
    ) -> None:
        self.ledger = ledger
        self.tier: Tier = tier
        self.records_sha256 = records_sha256
        self._records = records
        self._on_close = on_close
        self._on_mismatch = on_mismatch
        self._consumed = False
        self._builder = None if checked_by_source else SummaryBuilder()
        self.served_sha256: str | None = None

    @property
    def ledger_file_id(self) -> int:
        return self.ledger.id

    def __iter__(self) -> Iterator[Record]:
        if self._consumed:
            raise RuntimeError("a RecordSet can be iterated once; ask the store for the records again")
        self._consumed = True
        builder = self._builder
        try:
            if builder is None:
                yield from self._records  # the source raises if its records do not match
                self.served_sha256 = self.records_sha256
            else:
                for record in self._records:
                    builder.add(record)
                    yield record
                self.served_sha256 = builder.summary().records_sha256
                if self.served_sha256 != self.records_sha256:
                    self._mismatch()
        finally:
            self.close()

    def _mismatch(self) -> None:
        detail = f"{self.tier} rows have records sha256 {self.served_sha256}, recorded {self.records_sha256}"
        if self._on_mismatch is not None:
            self._on_mismatch(detail)
        raise RecordsIntegrityError(self.ledger.id, detail)

    def to_list(self) -> list[Record]:
        return list(self)

    def to_dataframe(self) -> pd.DataFrame:
        """A pandas DataFrame, one row per record, columns in record field order.

        Amounts stay exact: `debit` and `credit` are `object` columns holding `Decimal`s (pandas has
        no exact decimal dtype without pyarrow); `posted_on` holds `datetime.date` objects (or None);
        `attributes` holds dicts. Use `df["debit"].map(Decimal.__str__)` or `sum(df["debit"],
        Decimal(0))` to stay exact; never `.astype(float)` for money.
        """
        import pandas as pd

        columns: dict[str, list[object]] = {name: [] for name in RECORD_FIELDS}
        targets = [columns[name] for name in RECORD_FIELDS]
        for record in self:
            for column, name, value in zip(targets, RECORD_FIELDS, _VALUES(record), strict=True):
                column.append(dict(value) if name == "attributes" else value)
        frame = pd.DataFrame({name: pd.Series(values, dtype="object") for name, values in columns.items()})
        for name in ("ledger_file_id", "row_number"):
            frame[name] = frame[name].astype("int64")
        return frame

    def close(self) -> None:
        """Release what the stream holds (a database connection for hot reads). Idempotent."""
        if isinstance(self._records, Generator):  # ending a hot read's COPY cleanly
            self._records.close()
        if self._on_close is not None:
            on_close, self._on_close = self._on_close, None
            on_close()

    def __enter__(self) -> RecordSet:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

"""A ledger's records as served by the retriever: lazy, single-pass, and aware of its tier."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, Sequence
from operator import attrgetter
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

from ledgerstore.errors import RecordsIntegrityError
from ledgerstore.ledgers.model import LedgerFile
from ledgerstore.summary import SummaryBuilder
from normalizer.record import RECORD_FIELDS, Record

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl
    import pyarrow as pa

Tier = Literal["hot", "cold", "reprocessed"]
#: Reads the served records once as Arrow columns (`columns`: the fields wanted, None for all).
ColumnSource = Callable[[Sequence[str] | None], "pa.Table"]
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

    `to_arrow()`, `to_dataframe(dtype_backend="pyarrow")` and `to_polars()` give the records as
    exact columns (decimal128 amounts, date32 dates). A set that can read its columns without
    building records (`columnar`: a verified artifact) does so, with the same checks.
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
        columns: ColumnSource | None = None,
    ) -> None:
        self.ledger = ledger
        self.tier: Tier = tier
        self.records_sha256 = records_sha256
        self._records = records
        self._on_close = on_close
        self._on_mismatch = on_mismatch
        self._consumed = False
        self._builder = None if checked_by_source else SummaryBuilder()
        self._columns = columns
        self.served_sha256: str | None = None

    @property
    def ledger_file_id(self) -> int:
        return self.ledger.id

    @property
    def columnar(self) -> bool:
        """True when `to_arrow()` reads columns directly, cheaper than building the records."""
        return self._columns is not None and not self._consumed

    def __iter__(self) -> Iterator[Record]:
        self._consume()
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

    def _consume(self) -> None:
        if self._consumed:
            raise RuntimeError("a RecordSet can be iterated once; ask the store for the records again")
        self._consumed = True

    def _mismatch(self) -> None:
        detail = f"{self.tier} rows have records sha256 {self.served_sha256}, recorded {self.records_sha256}"
        if self._on_mismatch is not None:
            self._on_mismatch(detail)
        raise RecordsIntegrityError(self.ledger.id, detail)

    def to_list(self) -> list[Record]:
        return list(self)

    def to_arrow(self, columns: Sequence[str] | None = None) -> pa.Table:
        """The records as a pyarrow Table, one row per record, columns in record field order.

        Exact: `debit` and `credit` are `decimal128(38, s)` (`s` the largest number of decimals
        of the amounts, 2 for most ledgers; `decimal256(76, s)` in the rare case a column's sum
        could exceed 38 digits), `posted_on` is `date32` (null when absent), `ledger_file_id` and
        `row_number` `int64`, texts `string`, `attributes` `map<string, string>` in key order.
        `columns` selects fields (in the order given). Cold records are read straight from the
        verified artifact into columns; every tier gives equal tables. Consumes the set, with
        the same checks as iterating it (a mismatch raises and nothing is returned).
        """
        from ledgerstore.artifacts.columns import check_columns, records_table

        check_columns(columns)
        source = self._columns
        if source is None:
            return records_table(self, columns)
        self._consume()
        try:
            table = source(columns)
        finally:
            self.close()
        self.served_sha256 = self.records_sha256
        return table

    def to_dataframe(self, dtype_backend: Literal["pyarrow"] | None = None) -> pd.DataFrame:
        """A pandas DataFrame, one row per record, columns in record field order.

        By default amounts stay exact as `object` columns: `debit` and `credit` hold `Decimal`s,
        `posted_on` holds `datetime.date` objects (or None), `attributes` holds dicts. Use
        `df["debit"].map(Decimal.__str__)` or `sum(df["debit"], Decimal(0))` to stay exact; never
        `.astype(float)` for money.

        `dtype_backend="pyarrow"` (the pandas convention) builds the frame from `to_arrow()`:
        `ArrowDtype` columns, `decimal128` amounts and `date32` dates, exact and much faster
        for cold ledgers; `df["debit"].sum()` is an exact decimal.
        """
        import pandas as pd

        if dtype_backend == "pyarrow":
            frame: pd.DataFrame = self.to_arrow().to_pandas(types_mapper=pd.ArrowDtype)
            return frame
        if dtype_backend is not None:
            raise ValueError(f"dtype_backend must be None or 'pyarrow', not {dtype_backend!r}")
        columns: dict[str, list[object]] = {name: [] for name in RECORD_FIELDS}
        targets = [columns[name] for name in RECORD_FIELDS]
        for record in self:
            for column, name, value in zip(targets, RECORD_FIELDS, _VALUES(record), strict=True):
                column.append(dict(value) if name == "attributes" else value)
        frame = pd.DataFrame({name: pd.Series(values, dtype="object") for name, values in columns.items()})
        for name in ("ledger_file_id", "row_number"):
            frame[name] = frame[name].astype("int64")
        return frame

    def to_polars(self) -> pl.DataFrame:
        """A polars DataFrame from `to_arrow()`: `Decimal` amounts, `Date` dates, exact.

        polars is optional: `pip install 'ledgerstore[polars]'`.
        """
        try:
            import polars as pl
        except ImportError as exc:
            raise ImportError(
                "RecordSet.to_polars needs polars: pip install 'ledgerstore[polars]' (or polars)"
            ) from exc
        frame: Any = pl.from_arrow(self.to_arrow())
        return frame  # type: ignore[no-any-return]

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

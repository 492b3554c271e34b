"""Records as Arrow columns and DataFrames: exact, and equal whichever tier served them."""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from ledgerstore import LedgerStore
from normalizer.record import RECORD_FIELDS
from tests.integration.test_pipeline import _flip_a_byte


def _tiers(store: LedgerStore, ledger_fixture: Path) -> tuple[int, dict[str, pa.Table]]:
    """v1's records as a table from each tier: hot, then cold (superseded), then reprocessed."""
    v1 = store.ingest(ledger_fixture / "acme-2025-v1.csv", account="ACME", fiscal_year=2025).ledger
    tables: dict[str, pa.Table] = {}
    with store.records(v1.id) as records:
        assert (records.tier, records.columnar) == ("hot", False)
        tables["hot"] = records.to_arrow()
    store.ingest(ledger_fixture / "acme-2025-v2.csv", account="ACME", fiscal_year=2025)
    with store.records(v1.id) as records:
        assert (records.tier, records.columnar) == ("cold", True)
        tables["cold"] = records.to_arrow()
        assert records.served_sha256 == records.records_sha256
    assert v1.artifact_key is not None
    _flip_a_byte(store, v1.artifact_key)
    with store.records(v1.id) as records:
        assert records.tier == "reprocessed"
        tables["reprocessed"] = records.to_arrow()
    return v1.id, tables


def test_every_tier_gives_the_same_exact_table(store: LedgerStore, ledger_fixture: Path) -> None:
    ledger_id, tables = _tiers(store, ledger_fixture)
    assert tables["cold"].equals(tables["hot"])
    assert tables["reprocessed"].equals(tables["hot"])
    with store.records(ledger_id) as records:  # served cold again: the reprocess froze it anew
        expected = [record.as_dict() for record in records]
    table = tables["cold"]
    assert table.column_names == list(RECORD_FIELDS)
    assert table.schema.field("debit").type == pa.decimal128(38, 2)
    assert table.schema.field("posted_on").type == pa.date32()
    rows = table.to_pylist()
    for row in rows:
        row["attributes"] = dict(row["attributes"])
    assert rows == expected
    assert sum(table.column("debit").to_pylist(), Decimal(0)) == Decimal("1824.46")


def test_a_pyarrow_backed_dataframe_is_exact(store: LedgerStore, ledger_fixture: Path) -> None:
    v1 = store.ingest(ledger_fixture / "acme-2025-v1.csv", account="ACME", fiscal_year=2025).ledger
    with store.records(v1.id) as records:
        hot = records.to_dataframe(dtype_backend="pyarrow")
    store.ingest(ledger_fixture / "acme-2025-v2.csv", account="ACME", fiscal_year=2025)
    with store.records(v1.id) as records:
        cold = records.to_dataframe(dtype_backend="pyarrow")
    pd.testing.assert_frame_equal(hot, cold)
    assert list(cold.columns) == list(RECORD_FIELDS)
    assert cold["debit"].dtype == pd.ArrowDtype(pa.decimal128(38, 2))
    assert cold["posted_on"].dtype == pd.ArrowDtype(pa.date32())
    assert cold["row_number"].dtype == pd.ArrowDtype(pa.int64())
    total = cold["debit"].sum()
    assert isinstance(total, Decimal) and str(total) == "1824.46"
    assert cold["posted_on"].iloc[0] == dt.date(2025, 1, 15)
    with store.records(v1.id) as records:
        default = records.to_dataframe()  # unchanged: Decimal objects
    assert default["debit"].dtype == object
    assert [Decimal(str(value)) for value in cold["debit"]] == list(default["debit"])
    with store.records(v1.id) as records, pytest.raises(ValueError, match="dtype_backend"):
        records.to_dataframe(dtype_backend="numpy")  # type: ignore[arg-type]


def test_polars_gets_exact_decimals(store: LedgerStore, ledger_fixture: Path) -> None:
    pl = pytest.importorskip("polars")
    v1 = store.ingest(ledger_fixture / "acme-2025-v1.csv", account="ACME", fiscal_year=2025).ledger
    store.ingest(ledger_fixture / "acme-2025-v2.csv", account="ACME", fiscal_year=2025)
    with store.records(v1.id) as records:
        frame = records.to_polars()
    assert frame.columns == list(RECORD_FIELDS)
    assert frame.schema["debit"] == pl.Decimal(38, 2)
    assert frame.schema["posted_on"] == pl.Date
    assert frame["debit"].sum() == Decimal("1824.46")


def test_a_record_set_is_read_once_either_way(store: LedgerStore, ledger_fixture: Path) -> None:
    v1 = store.ingest(ledger_fixture / "acme-2025-v1.csv", account="ACME", fiscal_year=2025).ledger
    store.ingest(ledger_fixture / "acme-2025-v2.csv", account="ACME", fiscal_year=2025)
    with store.records(v1.id) as records:
        assert records.to_arrow(["account", "debit"]).column_names == ["account", "debit"]
        assert not records.columnar
        with pytest.raises(RuntimeError, match="iterated once"):
            records.to_arrow()
        with pytest.raises(RuntimeError, match="iterated once"):
            list(records)


def test_to_polars_without_polars_says_how_to_install_it(
    store: LedgerStore, ledger_fixture: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    v1 = store.ingest(ledger_fixture / "acme-2025-v1.csv", account="ACME", fiscal_year=2025).ledger
    monkeypatch.setitem(sys.modules, "polars", None)  # as if it were not installed
    with store.records(v1.id) as records, pytest.raises(ImportError, match=r"ledgerstore\[polars\]"):
        records.to_polars()

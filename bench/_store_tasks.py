"""Store-side benchmark tasks (see _tasks.py): each returns the callable to time."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path


def _store(home: str):  # type: ignore[no-untyped-def]
    from ledgerstore import LedgerStore
    from ledgerstore.settings import Settings

    return LedgerStore.open(Settings(home=Path(home)))


def ingest_ours(path: str, home: str, account: str) -> Callable[[], object]:
    store = _store(home)
    return lambda: store.ingest(path, account=account, fiscal_year=2025).ledger.status


def ingest_naive(path: str, home: str, table: str) -> Callable[[], object]:
    import pandas as pd
    import sqlalchemy as sa

    store = _store(home)

    def run() -> object:
        raw = Path(path).read_bytes()
        store.objects.put_once(f"naive/{table}.csv", raw)
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in ("Debit", "Credit"):
            frame[column] = [Decimal(v.replace(",", "")) if v else Decimal(0) for v in frame[column]]
        frame["Date"] = pd.to_datetime(frame["Date"], format="%m/%d/%Y").dt.date
        frame.to_sql(table, store.engine, index=False, dtype={"Debit": sa.Numeric(), "Credit": sa.Numeric()})
        rows = frame.astype(str).to_dict(orient="records")
        store.objects.put_once(f"naive/{table}.json.gz", gzip.compress(json.dumps(rows).encode(), 9))
        return len(rows)

    return run


def cold_ours(home: str, ledger_id: str) -> Callable[[], object]:
    from ledgerstore.artifacts import read_verified
    from ledgerstore.objectstore.base import ObjectInfo

    store = _store(home)
    ledger = store.ledger(int(ledger_id))
    info = ObjectInfo(key=ledger.artifact_key, size=ledger.artifact_size, sha256=ledger.artifact_sha256)
    return lambda: sum(1 for _ in read_verified(store.objects, ledger.id, info, ledger.summary))


def cold_baseline(home: str, ledger_id: str) -> Callable[[], object]:
    import io

    import orjson
    from isal import igzip

    store = _store(home)
    ledger = store.ledger(int(ledger_id))

    def run() -> object:
        count = 0
        with store.objects.open(ledger.artifact_key) as stream, igzip.GzipFile(fileobj=stream) as gz:
            for line in io.BufferedReader(gz, 1 << 20):
                if line.startswith(b"{"):
                    orjson.loads(line.rstrip(b",\n"))
                    count += 1
        return count

    return run


def hot_ours(home: str, ledger_id: str) -> Callable[[], object]:
    from ledgerstore.hot import stream_partition

    store = _store(home)

    def run() -> object:
        with store.engine.connect() as connection:
            return sum(1 for _ in stream_partition(connection, int(ledger_id)))

    return run


def hot_baseline(home: str, ledger_id: str) -> Callable[[], object]:
    from ledgerstore.db.schema import hot_partition_name

    store = _store(home)

    def run() -> object:
        with store.engine.connect() as connection:
            driver = connection.connection.driver_connection
            with driver.cursor(name="bench") as cursor:  # type: ignore[union-attr]
                cursor.itersize = 10_000
                cursor.execute(f"SELECT * FROM {hot_partition_name(int(ledger_id))} ORDER BY row_number")
                return sum(1 for _ in cursor)

    return run

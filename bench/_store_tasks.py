"""Store-side benchmark tasks (see _tasks.py): each returns the callable to time."""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any


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
    from ledgerstore.artifacts.io import read_verified
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
    from ledgerstore.hot.partitions import stream_partition

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


def reprocess_ours(home: str, ledger_id: str) -> Callable[[], object]:
    """Read a registered legacy ledger for the first time: normalize, freeze, serve every record."""
    store = _store(home)

    def run() -> object:
        records = store.records(int(ledger_id))
        assert records.tier == "reprocessed", records.tier
        return {"count": sum(1 for _ in records)}

    return run


def cold_retriever(home: str, ledger_id: str) -> Callable[[], object]:
    """A cold read through the public API (`LedgerStore.records`), as users see it."""
    store = _store(home)

    def run() -> object:
        records = store.records(int(ledger_id))
        assert records.tier == "cold", records.tier
        return {"count": sum(1 for _ in records)}

    return run


_HOT_SIZE = """
SELECT coalesce(sum(pg_total_relation_size(oid)), 0) FROM pg_class
WHERE relkind IN ('r', 'p') AND (relname LIKE 'hot\\_%')
"""


_AUTOVACUUM = """
SELECT string_agg(query, '; ') FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'
"""


def replace_ours(path: str, home: str, count: str) -> Callable[[], object]:
    """Ingest one ledger, then replace it `count` times; time how each switch removes the old rows.

    Each upload differs from the last by one reference, so every ingest is a new ledger that
    supersedes the previous one. `remove_s` is the statement inside the switch that takes the old
    partition out of `hot_records` (DETACH + rename where the switch retires it, DROP in the
    layout before); `gone_s` runs from that statement to the switch's commit (the moment the old
    rows are gone for every reader); `freed_s` is the drop of the retired table after the commit
    (none in the layout before, where the DROP freed it inside the commit). Sizes count every
    `hot_*` table (attached, staged or retired), after each ingest returned.
    """
    import sqlalchemy as sa

    from ledgerstore.db.schema import hot_partition_name
    from ledgerstore.lifecycle import process as processing
    from ledgerstore.lifecycle import switch

    store = _store(home)
    data = Path(path).read_bytes()
    removes: list[float] = []
    gone: list[float] = []
    freed: list[float] = []
    started: list[float] = []
    vacuumed: list[str] = []  # what autovacuum was doing when each removal began
    retires = hasattr(switch, "retire_partition")
    name = "retire_partition" if retires else "drop_partition"
    remove, activate = getattr(switch, name), processing.activate

    def timed_remove(connection: Any, ledger_file_id: int) -> None:
        vacuumed.append(connection.execute(sa.text(_AUTOVACUUM)).scalar() or "")
        started.append(time.perf_counter())
        remove(connection, ledger_file_id)
        removes.append(time.perf_counter() - started[-1])

    def timed_activate(*args: Any, **kwargs: Any) -> Any:
        count_before = len(started)
        ledger = activate(*args, **kwargs)
        if len(started) > count_before:
            gone.append(commits[-1] - started[-1])
            freed.append(time.perf_counter() - commits[-1])
        return ledger

    commits: list[float] = []
    if retires:
        drop_retired = switch.drop_retired_partitions

        def timed_drop_retired(engine: Any) -> list[str]:
            commits.append(time.perf_counter())  # the switch's transaction has just committed
            return drop_retired(engine)

        switch.drop_retired_partitions = timed_drop_retired  # type: ignore[assignment]
    else:
        committing = activate

        def timed_activate_old(*args: Any, **kwargs: Any) -> Any:
            ledger = committing(*args, **kwargs)
            commits.append(time.perf_counter())
            return ledger

        activate = timed_activate_old
    setattr(switch, name, timed_remove)
    processing.activate = timed_activate  # type: ignore[assignment]

    def run() -> object:
        sizes: list[int] = []
        all_gone = True
        for i in range(int(count) + 1):
            variant = data.replace(b",REF-", f",REF-{i}-".encode(), 1)
            before = store.active("R", 2025)
            store.ingest(variant, account="R", fiscal_year=2025, name=f"r{i}.csv")
            with store.engine.connect() as connection:
                sizes.append(int(connection.execute(sa.text(_HOT_SIZE)).scalar() or 0))
                if before is not None:
                    name = hot_partition_name(before.id)
                    found = connection.execute(sa.text("SELECT to_regclass(:n)"), {"n": name}).scalar()
                    all_gone = all_gone and found is None
        return {
            "layout": "retire" if retires else "drop",
            "sizes": sizes,
            "remove_s": removes,
            "gone_s": gone,
            "freed_s": freed,
            "all_gone": all_gone,
            "autovacuum": vacuumed,
        }

    return run


def cold_dataframe(home: str, ledger_id: str) -> Callable[[], object]:
    """A cold ledger to a pyarrow-backed pandas DataFrame through the public API."""
    import pandas  # noqa: F401  (import costs outside the timing, as for the baseline)
    import pyarrow.compute
    import pyarrow.json  # noqa: F401

    store = _store(home)

    def run() -> object:
        records = store.records(int(ledger_id))
        assert records.tier == "cold", records.tier
        frame = records.to_dataframe(dtype_backend="pyarrow")
        return {"count": len(frame), "debit": str(frame["debit"].sum())}

    return run


def cold_arrow(home: str, ledger_id: str) -> Callable[[], object]:
    """A cold ledger to a pyarrow Table through the public API."""
    import pyarrow.compute
    import pyarrow.json  # noqa: F401

    store = _store(home)

    def run() -> object:
        records = store.records(int(ledger_id))
        assert records.tier == "cold", records.tier
        return {"count": records.to_arrow().num_rows}

    return run

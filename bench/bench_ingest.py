"""Ingest and read benchmarks on an embedded PostgreSQL in a temp dir (never run by the tests).

    python -m bench.bench_ingest [--rows N] [--repeat 3]

Whole ingest vs the naive pipeline (pandas dtype=str + per-row Decimal + to_sql + json.dumps +
gzip 9); cold read (verified artifact -> records) vs orjson+isal streamed lines; hot read
(COPY -> records) vs a streamed server-side cursor; cold vs hot; replacing the active ledger.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench._harness import compare, machine, run
from bench.bench_normalize import _data


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--replacements", type=int, default=20)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    csv = str(_data(args.rows, xlsx=False))
    with tempfile.TemporaryDirectory() as home:
        ours = [run("ingest_ours", csv, home, f"A{i}") for i in range(args.repeat)]
        naive = [run("ingest_naive", csv, home, f"naive_{i}") for i in range(args.repeat)]
        t_ours = statistics.median(r["seconds"] for r in ours)
        t_naive = statistics.median(r["seconds"] for r in naive)
        print(
            f"ingest {args.rows:,} rows: ours {t_ours:.2f} s (peak {max(r['rss_mib'] for r in ours):.0f} MiB)"
            f" | naive {t_naive:.2f} s (peak {max(r['rss_mib'] for r in naive):.0f} MiB)"
            f" | speed-up {t_naive / t_ours:.1f}x | target >= 6x, peak <= 1.5 GB",
            flush=True,
        )
        from ledgerstore import LedgerStore
        from ledgerstore.settings import Settings

        store = LedgerStore.open(Settings(home=Path(home)))
        ledger = store.active("A0", 2025)
        assert ledger is not None
        lid = str(ledger.id)
        compare(
            "cold read",
            ("cold_ours", home, lid),
            ("cold_baseline", home, lid),
            args.repeat,
            "<= 1.5x, < 200 MB",
        )
        compare("hot read", ("hot_ours", home, lid), ("hot_baseline", home, lid), args.repeat, "<= 1.5x")
        compare("cold vs hot", ("cold_ours", home, lid), ("hot_ours", home, lid), args.repeat, "<= 1.5x")
        _replacements(store, csv, args.replacements)
        store.close()


_HOT_SIZE = (
    "SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits WHERE inhparent = 'hot_records'::regclass"
)


_HOT_SIZE = (
    "SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits WHERE inhparent = 'hot_records'::regclass"
)


def _replacements(store: object, csv: str, count: int) -> None:
    """Replace one active ledger `count` times (a changed last byte makes each upload new)."""
    import sqlalchemy as sa

    from ledgerstore.db.schema import hot_partition_name

    data = Path(csv).read_bytes()
    sizes, drops = [], []
    for i in range(count):
        variant = (
            data + b"\r\n" * 0 + b""
            if i == 0
            else data.replace(b"Vendor 1\r\n", f"Vendor {i}x\r\n".encode(), 1)
        )
        before = store.active("R", 2025)  # type: ignore[attr-defined]
        store.ingest(variant, account="R", fiscal_year=2025, name="r.csv")  # type: ignore[attr-defined]
        with store.engine.connect() as connection:  # type: ignore[attr-defined]
            size = connection.execute(sa.text(_HOT_SIZE)).scalar()
            if before is not None:
                start = time.perf_counter()
                gone = connection.execute(
                    sa.text("SELECT to_regclass(:n) IS NULL"), {"n": hot_partition_name(before.id)}
                ).scalar()
                drops.append((gone, time.perf_counter() - start))
        sizes.append(int(size or 0))
    print(
        f"replace x{count}: hot relations {sizes[-1] / 2**20:.0f} MiB after {count}"
        f" vs {sizes[0] / 2**20:.0f} MiB after 1 ({sizes[-1] / max(sizes[0], 1):.2f}x);"
        f" old partition gone after every switch: {all(g for g, _ in drops)}"
    )


if __name__ == "__main__":
    main()

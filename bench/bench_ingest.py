"""Ingest, read and replace benchmarks on an embedded PostgreSQL in a temp dir (never run by the tests).

    python -m bench.bench_ingest [--rows N] [--repeat 3] [--replacements 20] [--parts ...]

Parts (all by default): `ingest` whole ingest vs the naive pipeline (pandas dtype=str + per-row
Decimal + to_sql + json.dumps + gzip 9); `read` cold read (verified artifact -> records) vs
orjson+isal streamed lines, hot read (COPY -> records) vs a streamed server-side cursor, cold vs
hot; `reprocess` the first read of a registered legacy 1M-row file (normalize, freeze, serve),
then a cold read of it through `LedgerStore.records`; `replace` replacing the active ledger N times
(taking the old partition out inside the switch, to the switch's commit: median, p95, max and
how many over 0.2 s; the hot relations' size after 1 and after N).
Every measurement runs in a fresh process.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path
from typing import Any

from bench._harness import compare, machine, run
from bench.bench_normalize import _data

_PARTS = ("ingest", "read", "reprocess", "replace")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--replacements", type=int, default=20)
    parser.add_argument("--parts", default=",".join(_PARTS), help=f"comma-separated: {','.join(_PARTS)}")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    print(f"machine: {machine()}")
    csv = str(_data(args.rows, xlsx=False))
    with tempfile.TemporaryDirectory() as home:
        if "ingest" in parts:
            _ingest(csv, home, args.repeat, args.rows)
        else:
            run("ingest_ours", csv, home, "A0")
        if "read" in parts:
            _reads(home, args.repeat)
        if "reprocess" in parts:
            _reprocess(csv, home, args.repeat)
        if "replace" in parts:
            _replacements(csv, home, args.replacements)


def _ingest(csv: str, home: str, repeat: int, rows: int) -> None:
    ours = [run("ingest_ours", csv, home, f"A{i}") for i in range(repeat)]
    naive = [run("ingest_naive", csv, home, f"naive_{i}") for i in range(repeat)]
    t_ours = statistics.median(r["seconds"] for r in ours)
    t_naive = statistics.median(r["seconds"] for r in naive)
    print(
        f"ingest {rows:,} rows: ours {t_ours:.2f} s (peak {max(r['rss_mib'] for r in ours):.0f} MiB)"
        f" | naive {t_naive:.2f} s (peak {max(r['rss_mib'] for r in naive):.0f} MiB)"
        f" | speed-up {t_naive / t_ours:.1f}x | target >= 6x, peak <= 1.5 GB",
        flush=True,
    )


def _store(home: str) -> Any:
    from ledgerstore import LedgerStore
    from ledgerstore.settings import Settings

    return LedgerStore.open(Settings(home=Path(home)))


def _reads(home: str, repeat: int) -> None:
    store = _store(home)
    ledger = store.active("A0", 2025)
    store.close()
    assert ledger is not None
    lid = str(ledger.id)
    compare("cold read", ("cold_ours", home, lid), ("cold_baseline", home, lid), repeat, "<= 1.5x, < 200 MB")
    compare("hot read", ("hot_ours", home, lid), ("hot_baseline", home, lid), repeat, "<= 1.5x")
    compare("cold vs hot", ("cold_ours", home, lid), ("hot_ours", home, lid), repeat, "<= 1.5x")


def _reprocess(csv: str, home: str, repeat: int) -> None:
    """Register `repeat` legacy copies (one per account) and read each once, in a fresh process."""
    manifest = Path(home) / "legacy.csv"
    rows = [f"{csv},L{i},2025,legacy{i}.csv,2025-01-0{1 + i % 9}T00:00:00+00:00" for i in range(repeat)]
    manifest.write_text("path,account,fiscal_year,name,uploaded_at\n" + "\n".join(rows) + "\n")
    store = _store(home)
    registered = store.register(manifest).registered
    store.close()
    results = [run("reprocess_ours", home, str(ledger.id)) for ledger in registered]
    seconds = statistics.median(r["seconds"] for r in results)
    print(
        f"reprocess a registered legacy file on first read ({results[0]['count']:,} records):"
        f" {seconds:.2f} s median of {len(results)} (peak {max(r['rss_mib'] for r in results):.0f} MiB)",
        flush=True,
    )
    # Now frozen and not active: `LedgerStore.records` serves them cold, as users see it.
    lid = str(registered[0].id)
    compare(
        "cold read via LedgerStore.records",
        ("cold_retriever", home, lid),
        ("cold_baseline", home, lid),
        repeat,
        "(reference: adds RecordSet's served_sha256)",
    )


def _replacements(csv: str, home: str, count: int) -> None:
    result = run("replace_ours", csv, home, str(count))
    sizes, removes, gone = result["sizes"], result["remove_s"], result["gone_s"]
    what = "DETACH + rename" if result["layout"] == "retire" else "DROP"
    slow = [(round(g, 3), vacuum) for g, vacuum in zip(gone, result["autovacuum"], strict=True) if g > 0.2]
    print(
        f"replace x{count} ({result['layout']} layout): {what} of the old partition {_spread(removes)};"
        f" {what} to commit (old rows gone) {_spread(gone)} | target <= 0.2 s"
        f" | over 0.2 s: {len(slow)} of {len(gone)} {slow}",
        flush=True,
    )
    if result["layout"] == "retire":
        freed = _spread(result["freed_s"])
        print(f"replace x{count}: drop of the retired partition after the commit {freed}", flush=True)
    print(
        f"replace x{count}: hot relations (every hot_* table) {sizes[-1] / 2**20:.0f} MiB after"
        f" {count} replacements vs {sizes[0] / 2**20:.0f} MiB after the first upload"
        f" ({sizes[-1] / max(sizes[0], 1):.2f}x, target <= 1.2x);"
        f" old partition gone after every switch: {result['all_gone']};"
        f" {result['seconds'] / (count + 1):.1f} s per upload (peak {result['rss_mib']:.0f} MiB)",
        flush=True,
    )


def _spread(seconds: list[float]) -> str:
    """median / p95 / max in ms (p95: nearest rank)."""
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, max(0, -(-95 * len(ordered) // 100) - 1))]
    return (
        f"median {statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms,"
        f" max {ordered[-1] * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()

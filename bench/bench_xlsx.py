"""Benchmark: gl-detail as XLSX vs as CSV, side by side, each render in a fresh process.

    python bench/bench_xlsx.py [--records 1000000] [--repeat 3] [--sides xlsx,csv]
                               [--baseline-records 100000] [--baselines openpyxl,xlsxwriter]

Each measurement is a fresh interpreter that builds N seeded records (balanced two-line
journals over 200 accounts in 2025, each with its own description, reference and journal
name), runs `reporting.gl_detail` on them (N + 200 rows), then renders the table once, into
a temporary file (`render_to`, as `ledgerstore report --out` does). It prints the render's
seconds (the table is built outside the timing), the peak RSS (`ru_maxrss`) once the table is
built and at the end, the output's size, and the seconds building the table took (with the
generation of the records, which it consumes as they are made). Sides alternate,
`--repeat` times; medians are printed with the ratio to CSV of the same size. Baselines (the
openpyxl write-only renderer used before, and xlsxwriter in constant_memory mode:
`pip install -e '.[bench]'`) run at `--baseline-records`, with the streaming renderer and CSV
at that size beside them. Not run by the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._harness import machine
from normalizer.record import Record

SEED = 20251201
ACCOUNTS = 200
_WORDS = [
    "invoice",
    "payment",
    "rent",
    "office",
    "supplies",
    "travel",
    "hotel",
    "fuel",
    "consulting",
    "licence",
    "refund",
    "transfer",
    "salary",
    "bonus",
    "insurance",
    "repair",
    "freight",
    "customs",
    "commission",
    "fee",
    "interest",
]


def iter_records(count: int) -> Iterator[Record]:
    """`count` records, in balanced two-line journals with free text that differs per line."""
    rng = random.Random(SEED)
    codes = [str(1000 + 10 * index) for index in range(ACCOUNTS)]
    names = {code: f"{rng.choice(_WORDS).title()} & {rng.choice(_WORDS)} {code}" for code in codes}
    days = [dt.date(2025, 1, 1) + dt.timedelta(days=offset) for offset in range(365)]
    zero = Decimal("0.00")
    for journal in range(count // 2):
        amount = Decimal(rng.randint(1, 10_000_000)).scaleb(-2)
        debit_account, credit_account = rng.sample(codes, 2)
        day = rng.choice(days)
        text = " ".join(rng.choices(_WORDS, k=rng.randint(2, 7)))
        for offset, account, debit, credit in (
            (0, debit_account, amount, zero),
            (1, credit_account, zero, amount),
        ):
            yield Record(
                ledger_file_id=1,
                row_number=2 * journal + offset + 2,
                posted_on=day,
                account=account,
                account_name=names[account],
                description=f"{text} #{journal}-{offset}",
                reference=f"INV-{rng.randint(0, 10**8):08d}",
                journal=f"J{journal:07d}",
                debit=debit,
                credit=credit,
                currency="USD",
            )


def peak_rss_mib() -> float:
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss is KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


def measure(side: str, count: int) -> dict[str, float]:
    """In this (fresh) process: build the gl-detail table, render it once as `side`.

    The streaming renderer writes into a temporary file (`reporting.renderers.render_to`, as
    `ledgerstore report --out` does); the baselines return bytes, as they did.
    """
    import tempfile

    import reporting

    source = reporting.Source(ledger_file_id=1, account="BENCH", fiscal_year=2025, records_sha256="0" * 64)
    start = time.perf_counter()
    table = reporting.gl_detail(iter_records(count), source=source)
    build = time.perf_counter() - start
    if side in ("openpyxl", "xlsxwriter"):
        from bench import _xlsx_baselines

        baseline = getattr(_xlsx_baselines, f"{side}_render")

        def render(table: reporting.Table) -> int:
            return len(baseline(table))

    else:
        import reporting.renderers.xlsx_format  # imports outside the timing, as for the baselines
        from reporting.renderers import render_to

        def render(table: reporting.Table) -> int:
            with tempfile.TemporaryFile() as out:
                render_to(table, side, out)
                return out.tell()

    table_rss = peak_rss_mib()
    start = time.perf_counter()
    size = render(table)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "build": build,
        "table_rss": table_rss,
        "rss": peak_rss_mib(),
        "mb": size / 1e6,
    }


def in_fresh_process(side: str, count: int) -> dict[str, float]:
    command = [sys.executable, __file__, "--measure", side, "--records", str(count)]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def compare(sides: list[str], count: int, repeat: int) -> None:
    runs: dict[str, list[dict[str, float]]] = {side: [] for side in sides}
    for _ in range(repeat):
        for side in sides:
            runs[side].append(in_fresh_process(side, count))
    csv = statistics.median(run["seconds"] for run in runs["csv"]) if "csv" in runs else None
    for side, results in runs.items():
        seconds = statistics.median(run["seconds"] for run in results)
        table_rss = max(run["table_rss"] for run in results)
        rss = max(run["rss"] for run in results)
        ratio = f" = {seconds / csv:.2f}x csv" if csv else ""
        times = ", ".join(f"{run['seconds']:.2f}" for run in results)
        build = statistics.median(run["build"] for run in results)
        print(
            f"{count:>9,} rows  {side:<10} render {seconds:7.2f} s{ratio:<14} [{times}]  "
            f"peak RSS {rss:.0f} MiB (table built: {table_rss:.0f}, render +{rss - table_rss:.0f})  "
            f"{results[0]['mb']:.1f} MB  (table built in {build:.1f} s, records generated on the way)",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sides", default="xlsx,csv")
    parser.add_argument("--baseline-records", type=int, default=100_000)
    parser.add_argument("--baselines", default="openpyxl,xlsxwriter", help="'' for none")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.records)))
        return
    print(f"machine: {machine()}; medians of {args.repeat}, sides alternating, each a fresh process")
    compare(args.sides.split(","), args.records, args.repeat)
    baselines = [side for side in args.baselines.split(",") if side]
    if baselines:
        compare(["xlsx", "csv", *baselines], args.baseline_records, args.repeat)


if __name__ == "__main__":
    main()

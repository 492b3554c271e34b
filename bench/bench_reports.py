"""Benchmark: trial-balance and period-summary over 1M records against a pandas groupby.

    python bench/bench_reports.py [--records N] [--repeat 5]

Builds N seeded records in memory (balanced two-line journals, ~200 accounts, 12 months of
2025), then times, median of `--repeat` runs each, in one process:

- `reporting.trial_balance` vs `df.groupby(["account", "currency"])[["debit", "credit"]].sum()`
- `reporting.period_summary` vs the same groupby by month of a net column computed in pandas

on a DataFrame of the same records with Decimal object columns (the exact comparison: float
columns would not give the same figures). The records' checksum is given to the reports, as a
served `RecordSet` gives it; one extra run shows the cost of computing it from the records.
Peak RSS is measured in a fresh subprocess per measurement (`resource.getrusage`), next to
the peak of a process that only built the records. Not run by the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from normalizer.record import Record
from reporting import Source, period_summary, trial_balance

ACCOUNTS = 200
SEED = 20250101
KNOWN = Source(ledger_file_id=1, account="BENCH", fiscal_year=2025, records_sha256="0" * 64)


def build_records(count: int) -> list[Record]:
    return list(iter_records(count))


def iter_records(count: int) -> Iterator[Record]:
    """`count` records in balanced two-line journals over 200 accounts and the 12 months of 2025."""
    rng = random.Random(SEED)
    codes = [str(1000 + 10 * index) for index in range(ACCOUNTS)]
    names = {code: f"Account {code}" for code in codes}
    days = [dt.date(2025, 1, 1) + dt.timedelta(days=offset) for offset in range(365)]
    zero = Decimal("0.00")
    for journal in range(count // 2):
        amount = Decimal(rng.randint(1, 10_000_000)).scaleb(-2)
        debit_account, credit_account = rng.sample(codes, 2)
        day = rng.choice(days)
        name = f"J{journal}"
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
                description="bench",
                reference="",
                journal=name,
                debit=debit,
                credit=credit,
                currency="USD",
            )


def to_dataframe(records: list[Record]) -> Any:
    import pandas as pd

    columns = ("account", "currency", "posted_on", "debit", "credit")
    return pd.DataFrame(
        {name: pd.Series([getattr(r, name) for r in records], dtype="object") for name in columns}
    )


def pandas_trial_balance(df: Any) -> Any:
    return df.groupby(["account", "currency"], sort=True)[["debit", "credit"]].sum()


def pandas_period_summary(df: Any) -> Any:
    import pandas as pd

    months = pd.to_datetime(df["posted_on"]).dt.to_period("M")
    net = df["debit"] - df["credit"]
    return net.groupby([df["account"], df["currency"], months], sort=True).sum()


def median_time(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_rss_mib() -> float:
    # ru_maxrss is in KiB on Linux (bytes on macOS).
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


def measure_rss(what: str, count: int) -> None:
    """Run in a fresh subprocess: build the records, do `what` once, print the peak RSS."""
    if what == "trial-balance-streamed":
        trial_balance(iter_records(count), source=KNOWN)  # never holds the records
        print(f"{peak_rss_mib():.0f}")
        return
    records = build_records(count)
    if what == "trial-balance":
        trial_balance(records, source=KNOWN)
    elif what == "period-summary":
        period_summary(records, source=KNOWN)
    elif what == "pandas-trial-balance":
        pandas_trial_balance(to_dataframe(records))
    elif what == "pandas-period-summary":
        pandas_period_summary(to_dataframe(records))
    print(f"{peak_rss_mib():.0f}")


def rss_in_subprocess(what: str, count: int) -> float:
    command = [sys.executable, __file__, "--records", str(count), "--rss", what]
    return float(subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip())


def check_same_figures(records: list[Record], df: Any) -> None:
    ours = {(row[0], row[2]): (row[3], row[4]) for row in trial_balance(records, source=KNOWN).rows}
    theirs = {key: (row["debit"], row["credit"]) for key, row in pandas_trial_balance(df).iterrows()}
    assert ours == theirs, "trial balance and pandas disagree"


def time_reports(count: int, repeat: int) -> None:
    start = time.perf_counter()
    records = build_records(count)
    df = to_dataframe(records)
    print(f"built {len(records):,} records and their DataFrame in {time.perf_counter() - start:.1f} s")
    check_same_figures(records, df)
    rows = [
        (
            "trial-balance",
            median_time(lambda: trial_balance(records, source=KNOWN), repeat),
            median_time(lambda: pandas_trial_balance(df), repeat),
        ),
        (
            "period-summary",
            median_time(lambda: period_summary(records, source=KNOWN), repeat),
            median_time(lambda: pandas_period_summary(df), repeat),
        ),
    ]
    for name, ours, theirs in rows:
        print(
            f"{name:<15} reporting {ours:.3f} s  pandas groupby {theirs:.3f} s  "
            f"ratio {ours / theirs:.2f}x  (median of {repeat})"
        )
    with_digest = median_time(lambda: trial_balance(records), 1)
    print(f"trial-balance computing the records' sha256 as well (one run): {with_digest:.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rss", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss:
        measure_rss(args.rss, args.records)
        return
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    # Peak RSS first, while this process is small: Linux carries a process's peak RSS across
    # fork and exec, so a child started by a process holding the records would report its peak.
    base = rss_in_subprocess("build-only", args.records)
    print(f"peak RSS, records built only: {base:.0f} MiB")
    for what in ("trial-balance", "period-summary", "pandas-trial-balance", "pandas-period-summary"):
        peak = rss_in_subprocess(what, args.records)
        print(f"peak RSS, {what:<22} {peak:.0f} MiB (+{peak - base:.0f} MiB over the records)")
    streamed = rss_in_subprocess("trial-balance-streamed", args.records)
    print(f"peak RSS, trial-balance over a generator of the records (none held): {streamed:.0f} MiB")
    time_reports(args.records, args.repeat)


if __name__ == "__main__":
    main()

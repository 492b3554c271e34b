"""Normalize benchmarks (never run by the tests): 1M-row CSV and 100k-row XLSX, side by side.

    python -m bench.bench_normalize [--rows N] [--repeat 5]

CSV: `normalize()` vs the polars lazy parse+normalize baseline (dates and exact 2-decimal
amounts) and pyarrow.csv's raw parse. XLSX: `normalize()` vs python_calamine's raw read.
Each run is a fresh process; medians and peak RSS are printed with the machine.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench._harness import ROOT, compare, machine
from bench.generate import write_csv, write_xlsx


def _data(rows: int, xlsx: bool) -> Path:
    if xlsx:
        path = ROOT / "bench" / "data" / ("gl_100k.xlsx" if rows == 100_000 else f"gl_{rows}.xlsx")
    else:
        path = ROOT / "bench" / "data" / ("gl_1m.csv" if rows == 1_000_000 else f"gl_{rows}.csv")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        (write_xlsx if xlsx else write_csv)(path, rows)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    csv = str(_data(args.rows, xlsx=False))
    compare(
        f"normalize {args.rows:,}-row CSV",
        ("normalize_ours", csv),
        ("normalize_polars", csv),
        args.repeat,
        "<= 5x",
    )
    compare(
        f"normalize {args.rows:,}-row CSV",
        ("normalize_ours", csv),
        ("parse_pyarrow", csv),
        args.repeat,
        "(reference)",
    )
    xlsx = str(_data(args.xlsx_rows, xlsx=True))
    compare(
        f"normalize {args.xlsx_rows:,}-row XLSX",
        ("normalize_xlsx_ours", xlsx),
        ("read_calamine", xlsx),
        args.repeat,
        "<= 2x",
    )
    compare(
        f"normalize {args.xlsx_rows:,}-row XLSX, first file of a fresh process",
        ("normalize_xlsx_ours_cold", xlsx),
        ("read_calamine", xlsx),
        args.repeat,
        "(reference: includes starting the bounded reader's fork server)",
    )


if __name__ == "__main__":
    main()

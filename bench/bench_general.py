"""Report-style files and the general path, side by side (never run by the tests).

    python -m bench.bench_general [--rows N] [--general-rows N] [--repeat 3] [--general-repeat 1]
        [--rss-rows N] [--parts report,year,general,rss]

Parts (each side a fresh process, alternated, medians; ratios against the plain file on the
columnar path, `normalize(path)`, measured in the same run):

- `report`: the plain 1M-row file vs the same ledger with a total row every 50 lines and the
  header repeated every 500 (`bench.generate --totals-every 50 --page-header-every 500`), and
  with continuation lines (`--continuation`): whatever path `normalize()` takes (printed);
- `year`: in-year (`fiscal_year=2025`) vs every row outside the year (`fiscal_year=2024`),
  on the columnar path at `--rows` and on the general path at `--general-rows`;
- `general`: `normalize(path, fast_path=False)` on the plain file (`--general-rows`);
- `rss`: peak RSS (ru_maxrss of a fresh process) of `normalize()` on a report-style file of
  `--rss-rows` lines (totals every 50; the row limit counts lines: 5,000,000 at most), and on
  both paths over a narrow file of `--rss-rows` lines like issue 13's (Date, Account, whole-number
  Debit, a Credit blank on every row: about 100 MB), where the general path is `fast_path=False`.
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path
from typing import Any

from bench._harness import ROOT, machine, run
from bench.generate import Layout, write_csv

_DATA = ROOT / "bench" / "data"


def _file(rows: int, layout: Layout, tag: str) -> Path:
    name = "gl_1m" if rows == 1_000_000 else f"gl_{rows}"
    path = _DATA / f"{name}{tag}.csv"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_csv(path, rows, layout=layout)
    return path


def _narrow_file(rows: int) -> Path:
    """Issue 13's shape: four columns, whole-number amounts, the credit column always blank."""
    path = _DATA / f"gl_{rows}_narrow.csv"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="") as out:
            out.write("Date,Account,Debit,Credit\n")
            out.writelines(
                f"2025-{1 + i % 12:02d}-{1 + i % 28:02d},{1000 + i % 50},{1 + i % 997},\n"
                for i in range(rows)
            )
    return path


def _side_by_side(title: str, sides: dict[str, tuple[str, ...]], repeat: int) -> dict[str, float]:
    """Run every side `repeat` times in alternation; print medians, peaks and ratios to the first."""
    results: dict[str, list[dict[str, Any]]] = {label: [] for label in sides}
    for _ in range(repeat):
        for label, task in sides.items():
            results[label].append(run(*task))
    medians = {label: statistics.median(r["seconds"] for r in rs) for label, rs in results.items()}
    base = next(iter(medians.values()))
    print(f"{title}:", flush=True)
    for label, rs in results.items():
        peak = max(r["rss_mib"] for r in rs)
        path = "columnar" if rs[0].get("columnar") else "general"
        times = ", ".join(f"{r['seconds']:.2f}" for r in rs)
        print(
            f"  {label}: {medians[label]:.3f} s [{times}] (peak {peak:.0f} MiB, {path} path, "
            f"{rs[0].get('records', '?')} records, {rs[0].get('issues', '?')} issues) "
            f"| {medians[label] / base:.2f}x",
            flush=True,
        )
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--general-rows", type=int, default=1_000_000)
    parser.add_argument("--rss-rows", type=int, default=4_900_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--general-repeat", type=int, default=1, help="runs of the general-path part")
    parser.add_argument("--parts", default="report,year,general,rss")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    print(f"machine: {machine()}")
    plain = str(_file(args.rows, Layout(), ""))
    totals = str(_file(args.rows, Layout(totals_every=50, page_header_every=500), "_totals"))
    if "report" in parts:
        split = str(_file(args.rows, Layout(continuation=True), "_split"))
        _side_by_side(
            f"report-style {args.rows:,}-row files vs the plain file on the columnar path (target <= 2x)",
            {
                "plain, columnar": ("normalize_with", plain, "2025"),
                "totals every 50 + header every 500": ("normalize_with", totals, "2025"),
                "continuation lines": ("normalize_with", split, "2025"),
            },
            args.repeat,
        )
    if "year" in parts:
        _side_by_side(
            f"rows outside the fiscal year, {args.rows:,} rows, default path (target <= 1x)",
            {
                "in-year (2025)": ("normalize_with", plain, "2025"),
                "every row outside (2024)": ("normalize_with", plain, "2024"),
                "totals file, every row outside": ("normalize_with", totals, "2024"),
            },
            args.repeat,
        )
    general = str(_file(args.general_rows, Layout(), ""))
    if "year" in parts or "general" in parts:
        _side_by_side(
            f"general path (fast_path=False), {args.general_rows:,} rows",
            {
                "columnar, in-year": ("normalize_with", general, "2025"),
                "general, no fiscal year": ("normalize_with", general, "", "false"),
                "general, in-year (2025)": ("normalize_with", general, "2025", "false"),
                "general, every row outside (2024)": ("normalize_with", general, "2024", "false"),
            },
            args.general_repeat,
        )
    if "rss" in parts:
        lines = args.rss_rows + args.rss_rows // 50 + 1
        rss = str(_file(args.rss_rows, Layout(totals_every=50), "_totals50"))
        size = Path(rss).stat().st_size >> 20
        print(f"rss file: {args.rss_rows:,} ledger lines + totals = {lines:,} lines ({size} MiB)")
        narrow = str(_narrow_file(args.rss_rows))
        print(f"narrow file: {args.rss_rows:,} lines ({Path(narrow).stat().st_size >> 20} MiB)")
        _side_by_side(
            "peak RSS of normalize() (target < 1.5 GB)",
            {
                "report-style, default path": ("normalize_with", rss, "2025"),
                "narrow, default path": ("normalize_with", narrow, "2025"),
                "narrow, general path": ("normalize_with", narrow, "2025", "false"),
            },
            1,
        )


if __name__ == "__main__":
    main()

"""One benchmark task per process (called by bench_*.py); prints its result as one JSON line.

{"seconds", "rss_mib"}, plus whatever the task returns as a dict (e.g. per-step timings).
Timing excludes interpreter start-up and imports; peak RSS is the process's whole life.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def normalize_ours(path: str) -> Callable[[], object]:
    import pyarrow.csv  # noqa: F401  (import cost outside the timing, as for polars)

    from normalizer import normalize

    return lambda: len(normalize(path).records)


def normalize_with(path: str, fiscal_year: str = "", fast_path: str = "") -> Callable[[], object]:
    """`normalize(path)` with a fiscal year ("" none) and fast_path ("", "true", "false")."""
    import pyarrow.csv  # noqa: F401  (import cost outside the timing)

    from normalizer import normalize

    options: dict[str, object] = {}
    if fiscal_year:
        options["fiscal_year"] = int(fiscal_year)
    if fast_path:
        options["fast_path"] = fast_path == "true"

    import normalizer.pipeline as pipeline

    general = pipeline._normalize_general
    calls: list[bool] = []

    def spied(*args: Any, **kwargs: Any) -> Any:  # which path ran: both give ColumnRecords now
        calls.append(True)
        return general(*args, **kwargs)

    pipeline._normalize_general = spied  # type: ignore[assignment]

    def run() -> object:
        calls.clear()
        result = normalize(path, **options)  # type: ignore[arg-type]
        return {
            "records": len(result.records),
            "issues": len(result.issues),
            "columnar": not calls,
        }

    return run


def normalize_polars(path: str) -> Callable[[], object]:
    import polars as pl

    def run() -> object:
        money = pl.Decimal(18, 2)
        frame = (
            pl.scan_csv(path, infer_schema=False)
            .with_columns(
                pl.col("Date").str.strptime(pl.Date, "%m/%d/%Y"),
                pl.col("Debit").str.replace_all(",", "").cast(money),
                pl.col("Credit").str.replace_all(",", "").cast(money),
            )
            .collect()
        )
        return frame.height

    return run


def parse_pyarrow(path: str) -> Callable[[], object]:
    import pyarrow.csv as pacsv

    return lambda: pacsv.read_csv(path).num_rows


def normalize_xlsx_ours(path: str) -> Callable[[], object]:
    # Import costs outside the timing, as for calamine: pyarrow imports pandas (~0.2 s, once
    # per process) on its first conversion of Python values. The bounded reader child's fork
    # server is started here too: like the imports it is paid once per process (a worker keeps
    # it), not per file; `normalize_xlsx_ours_cold` times a fresh process's first file with it.
    import pandas  # noqa: F401
    import pyarrow.compute  # noqa: F401
    import python_calamine  # noqa: F401

    from normalizer import normalize
    from normalizer.readers.child import start_server

    start_server()
    return lambda: len(normalize(path).records)


def normalize_xlsx_ours_cold(path: str) -> Callable[[], object]:
    """The first workbook of a fresh process: the fork server starts inside the timing."""
    import pandas  # noqa: F401
    import pyarrow.compute  # noqa: F401
    import python_calamine  # noqa: F401

    from normalizer import normalize

    return lambda: len(normalize(path).records)


def read_calamine(path: str) -> Callable[[], object]:
    from python_calamine import CalamineWorkbook

    return lambda: len(CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python())


def main() -> None:
    task, *args = sys.argv[1:]
    if task in _STORE_TASKS:
        from bench import _store_tasks

        prepared = getattr(_store_tasks, task)(*args)
    else:
        prepared = globals()[task](*args)
    start = time.perf_counter()
    result = prepared()
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    details = result if isinstance(result, dict) else {}
    print(json.dumps({"seconds": seconds, "rss_mib": rss, **details}))


_STORE_TASKS = {
    "ingest_ours",
    "ingest_naive",
    "cold_ours",
    "cold_baseline",
    "cold_retriever",
    "cold_dataframe",
    "cold_arrow",
    "hot_ours",
    "hot_baseline",
    "reprocess_ours",
    "replace_ours",
}

if __name__ == "__main__":
    main()

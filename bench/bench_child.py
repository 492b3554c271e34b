"""What the bounded reader child costs on the columnar workbook path (never run by the tests).

    python -m bench.bench_child [--repeat 5] [--xlsx bench/data/gl_100k.xlsx]

In one process, warm (imports and the child's fork server started before any timing), it
alternates `normalize_workbook` (parse and columnar work in the bounded child: fork, the bytes
in, Arrow columns back, allow-listed unpickling) with the same work in-process (the function the
child runs, called directly), and prints the medians and the overhead. The first call through
the child in a fresh process, which starts the fork server, is timed once on its own.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bench._harness import ROOT, machine
from bench.generate import write_xlsx


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--xlsx", default=str(ROOT / "bench" / "data" / "gl_100k.xlsx"))
    args = parser.parse_args()
    path = Path(args.xlsx)
    if not path.exists():
        write_xlsx(path, 100_000)
    data = path.read_bytes()

    from normalizer.fast.workbook import _in_child, normalize_workbook
    from normalizer.readers.limits import Limits
    from normalizer.result import Detected

    detected = Detected(value=None, confidence=1.0, source="default")
    limits = Limits()

    def child() -> object:
        return normalize_workbook(
            data, name=path.name, profile_detected=detected, fiscal_year=2025, ledger_file_id=1
        )

    def inline() -> object:
        return _in_child(data, detected, 2025, 1, limits)

    print(f"machine: {machine()}")
    start = time.perf_counter()
    first = child()
    print(f"first call through the child (starts the fork server): {time.perf_counter() - start:.2f} s")
    assert first is not None, "the columnar workbook path declined the file"
    times: dict[str, list[float]] = {"child": [], "in-process": []}
    for _ in range(args.repeat):
        for label, call in (("child", child), ("in-process", inline)):
            start = time.perf_counter()
            result = call()
            times[label].append(time.perf_counter() - start)
            assert result is not None and len(result.records) == len(first.records)  # type: ignore[attr-defined]
    med = {label: statistics.median(values) for label, values in times.items()}
    for label, values in times.items():
        print(f"  {label}: median {med[label]:.3f} s [{', '.join(f'{v:.2f}' for v in values)}]")
    overhead = med["child"] - med["in-process"]
    print(
        f"overhead of the bounded child: {overhead:+.3f} s per file ({med['child'] / med['in-process']:.2f}x)"
    )


if __name__ == "__main__":
    main()

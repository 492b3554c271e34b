"""A long mutation-fuzz campaign over the xls/xlsx/ods/csv samples (never run by the tests).

    python -m bench.fuzz_campaign [--mutants 3000] [--seed 1] [--memory-mib 1024] [--seconds 8]

Each mutant goes through `normalize` with the reader limits given; the script prints the
outcomes per kind (ok or the error class), any failure that is not the normalizer's own error
(with the index that reproduces it), the slowest mutants, the largest RSS of this process and
the peak RSS of the reader children (Linux, from their accounting). Exit status 1 if any
mutant escaped as a traceback or a multi-line message.
"""

from __future__ import annotations

import argparse
import collections
import threading
import time
import traceback
from multiprocessing import forkserver
from pathlib import Path

from normalizer.readers import Limits
from tests.fuzz.mutate import mutants, run_one


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mutants", type=int, default=3_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--memory-mib", type=int, default=1_024)
    parser.add_argument("--seconds", type=int, default=8)
    args = parser.parse_args()
    limits = Limits(reader_memory_mib=args.memory_mib, reader_seconds=args.seconds)
    watcher = _ChildWatcher()
    watcher.start()
    started = time.monotonic()
    outcomes: collections.Counter[tuple[str, str]] = collections.Counter()
    escaped: list[str] = []
    slowest: list[tuple[float, int, str, str]] = []
    max_rss = 0.0
    for index, (kind, data) in enumerate(mutants(args.seed, args.mutants)):
        try:
            outcome = run_one(kind, data, limits=limits)
        except Exception as exc:  # the campaign reports every escape
            escaped.append(f"mutant {index} ({kind}): {type(exc).__name__}: {exc}".splitlines()[0])
            traceback.print_exc(limit=3)
            outcomes[kind, "TRACEBACK"] += 1
            continue
        outcomes[kind, outcome.result] += 1
        if "\n" in outcome.message:
            escaped.append(f"mutant {index} ({kind}): multi-line message")
        max_rss = max(max_rss, outcome.rss_mib)
        slowest = sorted([*slowest, (outcome.seconds, index, kind, outcome.message[:100])], reverse=True)[:5]
    total = time.monotonic() - started
    watcher.stop()
    print(
        f"{args.mutants:,} mutants (seed {args.seed}, reader limits {args.memory_mib} MiB / {args.seconds} s)"
    )
    print(f"in {total:.1f} s")
    for kind in sorted({k for k, _ in outcomes}):
        parts = ", ".join(f"{result} {n}" for (k, result), n in sorted(outcomes.items()) if k == kind)
        print(f"  {kind}: {parts}")
    print(f"max time per mutant: {slowest[0][0]:.2f} s" if slowest else "no mutants")
    for seconds, index, kind, message in slowest:
        print(f"  {seconds:6.2f} s  mutant {index} ({kind}) {message}")
    print(f"max RSS of this process: {max_rss:.0f} MiB")
    print(f"peak RSS of a reader child (sampled every 10 ms): {watcher.peak_mib:.0f} MiB")
    print(f"  (each is bounded by RLIMIT_AS = {args.memory_mib} MiB)")
    print(f"escaped: {len(escaped)}")
    for line in escaped:
        print(f"  {line}")
    return 1 if escaped else 0


class _ChildWatcher:
    """Samples the peak resident memory (VmHWM) of the fork server's children: the reader
    children are not this process's own, so their accounting is not ours to read."""

    def __init__(self) -> None:
        self.peak_mib = 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._done.wait(0.01):
            server = getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None)
            if server is None:
                continue
            try:
                children = Path(f"/proc/{server}/task/{server}/children").read_text().split()
            except OSError:
                continue
            for pid in children:
                self.peak_mib = max(self.peak_mib, _hwm_mib(pid))


def _hwm_mib(pid: str) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


if __name__ == "__main__":
    raise SystemExit(main())

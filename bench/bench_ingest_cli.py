"""Whole ingest through the CLI, as a fresh process, vs the naive and the hand-tuned pipelines.

    python -m bench.bench_ingest_cli [--rows N] [--repeat 3] [--naive-repeat 1] [--files a,b]
                                     [--before DIR]

Every side is a whole program started fresh and timed from outside (start-up, imports and exit
included), alternating in each round: `ledgerstore ingest FILE --account … --fiscal-year …` on
the embedded defaults, each run with an empty object store (its raw bytes a first upload), and
`bench/_pipelines.py naive|best` against the same PostgreSQL server and a local directory.
Peak RSS is the child's `ru_maxrss`. Files: `a` from `bench/generate.py` (dates in 2025), `b`
from the independent `bench/generate_independent.py` (dates in 2024, BOM, CRLF). Targets
(issue 12): ours ≥ 10× the naive pipeline and ≤ 2× the hand-tuned best.
`--before DIR` adds another checkout's CLI (e.g. `git worktree add DIR main`) in the same
rounds, against the same server: before/after figures measured side by side.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._harness import ROOT, machine
from bench.bench_normalize import _data
from bench.generate_independent import write as write_independent


def _timed(command: list[str], env: dict[str, str], cwd: Path = ROOT) -> tuple[float, float]:
    """Run a command to completion: its wall seconds and peak RSS in MiB."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    stderr = process.stderr.read().decode() if process.stderr else ""
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed ({status}): {stderr[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


def _files(rows: int, which: str) -> list[tuple[str, Path, int]]:
    files = []
    if "a" in which:
        files.append(("a (bench/generate.py)", _data(rows, xlsx=False), 2025))
    if "b" in which:
        name = "gl_1m_b.csv" if rows == 1_000_000 else f"gl_{rows}_b.csv"
        path = ROOT / "bench" / "data" / name
        if not path.exists():
            write_independent(path, rows)
        files.append(("b (bench/generate_independent.py)", path, 2024))
    return files


def main() -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--naive-repeat", type=int, default=1, help="the naive side takes minutes")
    parser.add_argument("--files", default="a,b")
    parser.add_argument("--before", type=Path, help="another checkout whose CLI runs alongside ours")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "LEDGERSTORE_HOME": home, "PYTHONPATH": str(ROOT)}
        url = _server(home)
        out = Path(home) / "pipelines"
        out.mkdir()
        for label, path, year in _files(args.rows, args.files):
            _compare(label, path, year, env, url, out, args.repeat, args.naive_repeat, args.before)


def _server(home: str) -> str:
    """Start the embedded server once (kept by this process) and return its URL."""
    from ledgerstore import LedgerStore
    from ledgerstore.settings import Settings

    store = LedgerStore.open(Settings(home=Path(home)))
    _server.keep = store  # type: ignore[attr-defined]  # the server lives as long as this process
    return store.engine.url.render_as_string(hide_password=False)


def _compare(
    label: str,
    path: Path,
    year: int,
    env: dict[str, str],
    url: str,
    out: Path,
    repeat: int,
    naive_repeat: int,
    before: Path | None = None,
) -> None:
    cli = [sys.executable, "-m", "workers.cli.main", "ingest", str(path), "--fiscal-year", str(year)]
    pipeline = [sys.executable, "-m", "bench._pipelines"]
    results: dict[str, list[tuple[float, float]]] = {"ours": [], "best": [], "naive": []}
    if before is not None:
        results["before"] = []
        before_env = {**env, "PYTHONPATH": str(before.resolve())}
    for i in range(repeat):
        tag = f"{path.stem}_{i}"
        # Each run stores its raw bytes as a first upload, as the pipelines do: an object store of
        # its own (the same bytes already stored would only be checked, not written and synced).
        results["ours"].append(_timed([*cli, "--account", tag], _fresh_objects(env, out, tag)))
        if before is not None:
            before_run = _fresh_objects(before_env, out, f"before_{tag}")
            results["before"].append(_timed([*cli, "--account", f"before_{tag}"], before_run, before))
        results["best"].append(_timed([*pipeline, "best", str(path), url, str(out), tag], env))
        if i < naive_repeat:
            results["naive"].append(_timed([*pipeline, "naive", str(path), url, str(out), f"n_{tag}"], env))
    median = {side: statistics.median(s for s, _ in runs) for side, runs in results.items() if runs}
    peak = {side: max(r for _, r in runs) for side, runs in results.items() if runs}
    runs = {side: ", ".join(f"{s:.2f}" for s, _ in values) for side, values in results.items()}
    print(f"\n{label}: {path.name}, {path.stat().st_size / 1e6:.0f} MB, load average {os.getloadavg()}")
    for side, seconds in median.items():
        print(f"  {side:6} median {seconds:7.2f} s  peak {peak[side]:5.0f} MiB  runs [{runs[side]}]")
    if "naive" in median:
        print(f"  speed-up vs naive: {median['naive'] / median['ours']:.1f}x (target >= 10x)")
    print(f"  ours / best: {median['ours'] / median['best']:.2f}x (target <= 2x)", flush=True)
    if "before" in median:
        print(f"  ours / before: {median['ours'] / median['before']:.2f}x", flush=True)


def _fresh_objects(env: dict[str, str], out: Path, tag: str) -> dict[str, str]:
    """`env` with an empty local object store of the run's own (under the pipelines' directory)."""
    return {**env, "LEDGERSTORE_OBJECT_URL": (out / f"objects_{tag}").as_uri()}


if __name__ == "__main__":
    main()

"""Shared benchmark plumbing: each measurement in a fresh interpreter, medians, peak RSS, machine."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def machine() -> str:
    cpus = os.cpu_count()
    mem = ""
    try:
        lines = Path("/proc/meminfo").read_text().splitlines()
        kib = next(int(line.split()[1]) for line in lines if line.startswith("MemTotal"))
        mem = f", {kib / 2**20:.0f} GiB"
    except (OSError, StopIteration):
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{platform.machine()} {cpus} cores{mem}, {system}, Python {platform.python_version()}"


def run(task: str, *args: str) -> dict[str, Any]:
    """Run `bench/_tasks.py TASK ARGS` in a fresh process: its seconds, peak RSS (MiB) and details."""
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "_tasks.py"), task, *args],
        check=True, capture_output=True, text=True, cwd=ROOT,
    ).stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


def compare(label: str, ours: tuple[str, ...], base: tuple[str, ...], repeat: int, target: str) -> None:
    """Alternate both sides `repeat` times and print medians, ratio and peak RSS."""
    a, b = [], []
    for _ in range(repeat):
        a.append(run(*ours))
        b.append(run(*base))
    ta = statistics.median(r["seconds"] for r in a)
    tb = statistics.median(r["seconds"] for r in b)
    ra = max(r["rss_mib"] for r in a)
    rb = max(r["rss_mib"] for r in b)
    print(
        f"{label}: ours {ta:.3f} s (peak {ra:.0f} MiB) | {base[0]} {tb:.3f} s (peak {rb:.0f} MiB)"
        f" | ratio {ta / tb:.2f}x | target {target}",
        flush=True,
    )

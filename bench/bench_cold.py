"""Cold reads and reports against what a user would pick instead (never run by the tests).

    python -m bench.bench_cold [--rows N] [--repeat 5] [--home DIR] [--before DIR] [--parts ...]

Needs a superseded (cold) ledger: ingests the generated CSV twice into `--home` (a temp dir by
default; give a directory to keep it between runs), the second upload differing by one
reference, so the first is served from its artifact. Parts, each side a fresh process:

- `report`: `ledgerstore report trial-balance ID` as a subprocess, start to exit, vs DuckDB over
  the same artifact file in a fresh Python process (`bench/_duckdb_trial_balance.py`:
  `read_json` with DECIMAL(38, 2) amounts, GROUP BY account, currency, exact sums, CSV out).
  With `--before DIR` (an export of an earlier commit, e.g. `git archive BASE | tar -x -C DIR`)
  that tree's CLI runs in the same alternation. Both outputs are checked to agree.
- `stream`: streaming the records (`read_verified`) vs orjson+isal streamed lines (`bench_ingest`).
- `frame`: `RecordSet.to_dataframe(dtype_backend="pyarrow")` and `to_arrow()` vs the same
  orjson+isal raw read.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from bench._harness import ROOT, compare, machine
from bench.bench_normalize import _data

_PARTS = ("report", "stream", "frame")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--home", type=Path, help="keep the store here (reused when it has the ledger)")
    parser.add_argument("--before", type=Path, help="an earlier tree whose CLI runs side by side")
    parser.add_argument("--parts", default=",".join(_PARTS), help=f"comma-separated: {','.join(_PARTS)}")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.1f}", flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        home = args.home or Path(scratch)
        ledger_id, key = _cold_ledger(home, _data(args.rows, xlsx=False))
        lid = str(ledger_id)
        if "report" in parts:
            _report(home, ledger_id, home / "objects" / key, args.repeat, args.before)
        if "stream" in parts:
            compare(
                "cold stream of records",
                ("cold_ours", str(home), lid),
                ("cold_baseline", str(home), lid),
                args.repeat,
                "<= 1.5x",
            )
            if args.before is not None:
                _stream_before(args.before, str(home), lid, args.repeat)
        if "frame" in parts:
            for task in ("cold_dataframe", "cold_arrow"):
                compare(
                    f"cold ledger {task.removeprefix('cold_')}",
                    (task, str(home), lid),
                    ("cold_baseline", str(home), lid),
                    args.repeat,
                    "<= 1.5x (dataframe)",
                )


def _stream_before(before: Path, home: str, lid: str, repeat: int) -> None:
    """The record stream of the earlier tree, alternating with this one's (fresh processes)."""
    times: dict[str, list[float]] = {"ours": [], "before": [], "cold_baseline": []}
    for _ in range(repeat):
        for name, root, task in (
            ("ours", ROOT, "cold_ours"),
            ("before", before, "cold_ours"),
            ("cold_baseline", ROOT, "cold_baseline"),
        ):
            out = subprocess.run(
                [sys.executable, str(root / "bench" / "_tasks.py"), task, home, lid],
                check=True, capture_output=True, text=True, cwd=root,
            ).stdout  # fmt: skip
            times[name].append(json.loads(out.strip().splitlines()[-1])["seconds"])
    medians = {name: statistics.median(values) for name, values in times.items()}
    base = medians["cold_baseline"]
    print(
        f"cold stream of records, side by side: ours {medians['ours']:.3f} s ({medians['ours'] / base:.2f}x)"
        f" | before {medians['before']:.3f} s ({medians['before'] / base:.2f}x)"
        f" | orjson+isal {base:.3f} s | target <= 1.5x",
        flush=True,
    )


def _cold_ledger(home: Path, csv_path: Path) -> tuple[int, str]:
    """A superseded ledger of the CSV's records in `home` (made once), and its artifact key."""
    from ledgerstore import LedgerStore
    from ledgerstore.settings import Settings

    store = LedgerStore.open(Settings(home=home))
    try:
        old = [ledger for ledger in store.history("COLD", 2025) if ledger.status == "superseded"]
        if not old:
            data = csv_path.read_bytes()
            store.ingest(data, account="COLD", fiscal_year=2025, name="cold-a.csv")
            store.ingest(
                data.replace(b",REF-", b",REF-X-", 1), account="COLD", fiscal_year=2025, name="b.csv"
            )
            old = [ledger for ledger in store.history("COLD", 2025) if ledger.status == "superseded"]
        ledger = old[0]
    finally:
        store.close()
    assert ledger.artifact_key is not None
    return ledger.id, ledger.artifact_key


def _report(home: Path, ledger_id: int, artifact: Path, repeat: int, before: Path | None) -> None:
    sides = {"ours": _cli(ROOT, home, ledger_id), "duckdb": _duckdb(artifact)}
    if before is not None:
        sides["before"] = _cli(before, home, ledger_id)
    times: dict[str, list[float]] = {name: [] for name in sides}
    cpu: dict[str, list[float]] = {name: [] for name in sides}  # user + system of the process
    outputs: dict[str, bytes] = {}
    for _ in range(repeat):
        for name, command in sides.items():
            before_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            done = subprocess.run(command, check=True, capture_output=True, env=command.env, cwd=command.cwd)
            times[name].append(time.perf_counter() - started)
            after_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[name].append(
                after_cpu.ru_utime - before_cpu.ru_utime + after_cpu.ru_stime - before_cpu.ru_stime
            )
            outputs[name] = done.stdout
    assert _sums(outputs["ours"], ours=True) == _sums(outputs["duckdb"], ours=False), "figures differ"
    if before is not None:
        assert outputs["before"] == outputs["ours"], "the report's bytes changed"
    medians = {name: statistics.median(values) for name, values in times.items()}
    spread = {name: f"[{min(values):.2f}-{max(values):.2f}]" for name, values in times.items()}
    line = (
        f"report trial-balance, cold, CLI to CLI: ours {medians['ours']:.2f} s {spread['ours']}"
        f" | duckdb {medians['duckdb']:.2f} s {spread['duckdb']}"
        f" | ratio {medians['ours'] / medians['duckdb']:.2f}x | target <= 1.5x (aim <= 1.0x)"
    )
    if before is not None:
        line += (
            f" | before {medians['before']:.2f} s {spread['before']}"
            f" ({medians['before'] / medians['duckdb']:.2f}x duckdb)"
        )
    print(line, flush=True)
    print(
        "  CPU (user + system) medians: "
        + ", ".join(f"{name} {statistics.median(values):.2f} s" for name, values in cpu.items())
        + f" | ratio ours/duckdb {statistics.median(cpu['ours']) / statistics.median(cpu['duckdb']):.2f}x",
        flush=True,
    )


class _Command(list[str]):
    env: dict[str, str]
    cwd: Path  # `python -m` puts the working directory first on sys.path


def _cli(root: Path, home: Path, ledger_id: int) -> _Command:
    command = _Command([sys.executable, "-m", "workers.cli", "report", "trial-balance", str(ledger_id)])
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERSTORE_")}
    command.env = {**clean, "LEDGERSTORE_HOME": str(home), "PYTHONPATH": str(root)}
    command.cwd = root
    return command


def _duckdb(artifact: Path) -> _Command:
    command = _Command([sys.executable, str(ROOT / "bench" / "_duckdb_trial_balance.py"), str(artifact)])
    command.env = dict(os.environ)
    command.cwd = ROOT
    return command


def _sums(output: bytes, *, ours: bool) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
    """(account, currency) -> (debit, credit) from either side's CSV (ours: its accounts section)."""
    text = output.decode()
    if ours:
        text = text.split("\r\n\r\n", 1)[0]
    rows = csv.DictReader(io.StringIO(text))
    return {(r["account"], r["currency"]): (Decimal(r["debit"]), Decimal(r["credit"])) for r in rows}


if __name__ == "__main__":
    main()

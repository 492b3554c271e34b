"""`ledgerstore status [--json]`: ledger files by status, artifact coverage, bytes per tier."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ledgerstore.ops.status import StoreStatus, collect_status
from workers.cli.context import engine_from_env
from workers.cli.output import ExitCode


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser("status", help="counts, artifact coverage, sizes")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=_status)


def _status(args: argparse.Namespace) -> int:
    with engine_from_env() as engine:
        status = collect_status(engine)
    if args.json:
        print(json.dumps(status.as_dict(), indent=2))
    else:
        print(_render(status))
    return ExitCode.OK


def _render(status: StoreStatus) -> str:
    lines = [f"ledger files: {status.total}"]
    lines += [f"  {name:<11} {count}" for name, count in status.by_status.items()]
    lines.append(
        f"artifacts:    {status.with_artifact} of {status.total} ({status.artifact_coverage:.0%}),"
        f" {_size(status.artifact_bytes)}"
    )
    lines.append(f"hot rows:     {status.hot_partitions} ledgers, {_size(status.hot_bytes)} in PostgreSQL")
    if status.artifact_bytes:
        ratio = status.hot_bytes / status.artifact_bytes
        lines.append(f"hot/artifact: {ratio:.1f}x the bytes of the artifacts")
    queued = ", ".join(f"{state} {count}" for state, count in status.queue.items() if count) or "empty"
    lines.append(f"task queue:   {queued}")
    return "\n".join(lines)


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")

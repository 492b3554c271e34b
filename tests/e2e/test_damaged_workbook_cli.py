"""Issue 13, finding 1 end to end: a workbook that aborts its parser marks the ledger file
`failed` with the reason and `ingest` exits 3; the process that ran it lives on."""

from __future__ import annotations

import json
import struct
from pathlib import Path

from tests.e2e.cli import run_cli

XLS = (
    Path(__file__).resolve().parents[2] / "fixtures" / "samples" / "akretion__account_move_generic-fr_coa.xls"
)


def test_an_xls_that_aborts_the_parser_is_failed_with_the_reason(env: dict[str, str], tmp_path: Path) -> None:
    data = bytearray(XLS.read_bytes())
    at = data.find(b"\x00\x02\x0e\x00")
    data[at + 4 : at + 16] = struct.pack("<IIHH", 0, 0xFFFFFFFF, 0, 0xFFFF)
    damaged = tmp_path / "damaged.xls"
    damaged.write_bytes(bytes(data))
    result = run_cli("ingest", str(damaged), "--account", "A", "--fiscal-year", "2022", env=env)
    assert result.returncode == 3, result.stderr
    assert "the reader ran out of its 2,048 MiB limit" in result.stderr
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    failed = json.loads(run_cli("ledgers", "--status", "failed", "--json", env=env).stdout)
    assert len(failed) == 1
    assert "ran out of its 2,048 MiB limit" in failed[0]["error"]

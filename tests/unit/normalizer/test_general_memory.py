"""The general path's memory grows with the text, not with a Python object per line (issue 13).

A fresh process normalizes a small file first (every import and cache paid), notes its peak
RSS, then normalizes a 200,000-line file through the general path (`fast_path=False`) and
reports how much the peak grew. Held as `Row`s and `Record`s those lines took about 140 MiB
(some 700 bytes a line); parsed on demand and collected into columns, well under half of it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

_LINES = 200_000
_CHILD = """
import json, resource, sys
from normalizer import normalize

def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

small, large = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
normalize(small, fast_path=False, fiscal_year=2025)
normalize(small, fast_path=True, fiscal_year=2025)
before = peak()
result = normalize(large, fast_path=False, fiscal_year=2025)
kind = type(result.records).__name__
print(json.dumps({"grew": peak() - before, "records": len(result.records), "type": kind}))
"""


def _narrow(path: Path, lines: int) -> Path:
    with path.open("w", newline="") as out:
        out.write("Date,Account,Debit,Credit\n")
        out.writelines(
            f"2025-{1 + i % 12:02d}-{1 + i % 28:02d},{1000 + i % 50},{1 + i % 997},\n" for i in range(lines)
        )
    return path


@pytest.mark.slow
def test_the_general_path_does_not_hold_a_row_and_a_record_per_line(tmp_path: Path) -> None:
    small = _narrow(tmp_path / "small.csv", 70_000)  # past one chunk of the collector
    large = _narrow(tmp_path / "large.csv", _LINES)
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(small), str(large)], capture_output=True, text=True, check=True
    )
    found = json.loads(out.stdout)
    assert found["records"] == _LINES and found["type"] == "ColumnRecords"
    assert found["grew"] < 60, f"the peak grew {found['grew']:.0f} MiB for {_LINES:,} lines"

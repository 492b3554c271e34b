"""An ingest of delimited text imports no pandas, and the pandas-free Arrow helpers give exactly
what the pyarrow calls they replace give.

pyarrow imports pandas (a quarter of a second of every ingest) the first time it converts a
Python value or a numpy array, or converts an array to numpy; the columnar path and the COPY
and artifact encoders build their Arrow values with `normalizer.fast.arrow` instead. A fresh
process normalizes files the columnar path takes (plain lines, lines outside the fiscal year,
total rows), encodes their artifact and their COPY rows (binary and CSV), and reports whether pandas was
imported. (The general path's `RecordCollector` and the workbook path still convert Python
values with pyarrow.)
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from bench.generate import Layout, write_csv
from normalizer.fast.arrow import array, integer, literal, numbers, scalar

ROOT = Path(__file__).resolve().parents[2]
_CHILD = """
import json, sys
from ledgerstore.artifacts.format_v1 import ArtifactEncoder
from ledgerstore.hot.copy import copy_binary_batches, copy_csv_batches
from normalizer import normalize

kinds = []
for path, year in zip(sys.argv[1::2], sys.argv[2::2]):
    result = normalize(open(path, "rb").read(), name="ledger.csv", fiscal_year=int(year), ledger_file_id=7)
    encoder = ArtifactEncoder(result.records)
    for _ in encoder.chunks():
        pass
    for _ in copy_csv_batches(result.records):
        pass
    for _ in copy_binary_batches(result.records):
        pass
    kinds.append(type(result.records).__name__)
print(json.dumps({"pandas": "pandas" in sys.modules, "records": kinds}))
"""


@pytest.mark.slow
def test_normalizing_and_encoding_delimited_text_imports_no_pandas(tmp_path: Path) -> None:
    files: list[str] = []
    layouts = [
        (Layout(), 2025),  # every line in the year
        (Layout(), 2024),  # every line outside it: one issue block
        (Layout(totals_every=40), 2025),
    ]
    for n, (layout, year) in enumerate(layouts):
        path = tmp_path / f"ledger{n}.csv"
        write_csv(path, 45_000, layout=layout)  # past the columnar path's 4 MiB
        files += [str(path), str(year)]
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, *files], capture_output=True, text=True, check=True, cwd=ROOT
    )
    found = json.loads(out.stdout)
    assert found["records"] == ["ColumnRecords"] * len(layouts)  # the columnar path took each
    assert found["pandas"] is False


def _same(ours: pa.Array, theirs: pa.Array) -> None:
    ours.validate(full=True)
    assert ours.type == theirs.type
    assert ours.equals(theirs)


@pytest.mark.parametrize(
    ("values", "type_"),
    [
        (range(5, 12), pa.int64()),
        (range(30, 2, -3), pa.int64()),
        (range(7, 7), pa.int64()),
        (range(1, 30_000), pa.int16()),
        ([], pa.int64()),
        ([-1, 2**62], pa.int64()),
        ([3, 0, 7], pa.int32()),
        ([1, -2], pa.int16()),
        (np.array([4, 5, 6], dtype=np.int64), pa.int64()),
        (np.array([1, 2], dtype=np.int32), pa.int64()),
        ([True, False, True, True, False, False, True, False, True], pa.bool_()),
        (np.array([False, True, True]), pa.bool_()),
        ([], pa.bool_()),
        (["", "a", "é€", 'q"\\'], pa.string()),
        (["x", ""], pa.large_string()),
        ([], pa.string()),
        ([dt.date(2024, 2, 29), None, dt.date(1901, 1, 1), dt.date(2999, 12, 31)], pa.date32()),
        ([dt.date(1970, 1, 1)], pa.date32()),
    ],
)
def test_array_is_pa_array(values: object, type_: pa.DataType) -> None:
    _same(array(values, type_), pa.array(values, type_))  # type: ignore[call-overload]


def test_array_refuses_what_it_cannot_convert_exactly() -> None:
    with pytest.raises(OverflowError):
        array(np.array([2**40]), pa.int32())
    with pytest.raises(OverflowError):
        array(range(2**31 - 2, 2**31 + 1), pa.int32())
    with pytest.raises(TypeError):
        array([1.5], pa.float64())


@pytest.mark.parametrize(
    ("value", "type_"),
    [(0, pa.int64()), (-7, pa.int16()), (True, pa.bool_()), ("", pa.string()), ("{}", pa.string()),
     (None, pa.int64()), (None, pa.string()), (dt.date(2025, 3, 31), pa.date32())],
)  # fmt: skip
def test_scalar_is_pa_scalar(value: object, type_: pa.DataType) -> None:
    ours = scalar(value, type_)
    assert ours.type == type_ and ours.equals(pa.scalar(value, type_))


def test_literal_is_what_compute_functions_make_of_a_python_value() -> None:
    for value in ("", ",x", True, False, 0, 10**18, -3):
        assert literal(value).equals(pa.scalar(value))
    assert integer(5).equals(pa.scalar(5))
    arrow = pa.array([1])
    assert literal(arrow) is arrow


def test_numbers_is_to_numpy() -> None:
    ints = pa.array(range(100), pa.int64())
    bools = pa.array([i % 3 == 0 for i in range(100)])
    for values in (ints, ints.slice(17, 40), pa.array([], pa.int32()), pa.array([5, 6], pa.int32())):
        expected = values.to_numpy(zero_copy_only=False)
        assert numbers(values).dtype == expected.dtype and (numbers(values) == expected).all()
    for values in (bools, bools.slice(5, 50), bools.slice(99), pa.array([], pa.bool_())):
        expected = values.to_numpy(zero_copy_only=False)
        assert numbers(values).dtype == expected.dtype and (numbers(values) == expected).all()
    assert (numbers(pa.chunked_array([ints.slice(0, 3), ints.slice(3, 2)])) == np.arange(5)).all()
    with pytest.raises(pa.ArrowInvalid):
        numbers(pa.array([1, None]))

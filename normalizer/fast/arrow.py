"""Small Arrow helpers the columnar code and its storage consumers share.

pyarrow imports pandas (a quarter of a second) the first time it converts a Python value or a
numpy array (`pa.array`, `pa.scalar`, a Python literal given to a compute function) or converts
an array to numpy (`Array.to_numpy`). The columnar path builds its arrays and scalars here
instead, from buffers, and reads numbers back through `numbers`, so normalizing a file imports
no pandas. Every helper gives exactly what the pyarrow call it replaces gives, for the values
it accepts.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

import numpy as np
import pyarrow as pa

_EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()


def combined(value: Any) -> Any:
    """One contiguous array from a chunked one; bytes as text; anything else as it is."""
    if isinstance(value, pa.ChunkedArray):
        return value.combine_chunks()
    if isinstance(value, bytes):
        return value.decode()
    return value


def joined(lines: Any) -> memoryview:
    """The concatenated bytes of a string array (no copy: its data buffer, offset to offset)."""
    lines = combined(lines)
    offsets = lines.buffers()[1]
    data = lines.buffers()[2]
    bounds = memoryview(offsets).cast("i")
    first, last = bounds[lines.offset], bounds[lines.offset + len(lines)]
    if data is None:
        return memoryview(b"")
    return memoryview(data)[first:last]


def array(values: Iterable[Any], type: pa.DataType) -> pa.Array:
    """`pa.array(values, type)` without pandas, for values of `type`: integers (from any numpy
    integer or bool type), booleans, strings (`string`, `large_string`) or dates (`date32`, the
    only type here that may hold nulls: `None`). `values`: a numpy array or any iterable of
    Python values."""
    if pa.types.is_boolean(type):
        mask = np.asarray(values if isinstance(values, np.ndarray) else list(values), dtype=bool)
        bits = np.packbits(mask, bitorder="little")
        return pa.Array.from_buffers(type, len(mask), [None, pa.py_buffer(bits)])
    if pa.types.is_string(type) or pa.types.is_large_string(type):
        encoded = [text.encode() for text in values]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int32 if pa.types.is_string(type) else np.int64)
        np.cumsum([len(e) for e in encoded], out=offsets[1:])
        buffers = [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))]
        return pa.Array.from_buffers(type, len(encoded), buffers)
    if pa.types.is_date32(type):
        dates = list(values)
        days = np.array([0 if d is None else d.toordinal() - _EPOCH_ORDINAL for d in dates], dtype=np.int32)
        valid = None
        if None in dates:
            present = np.array([d is not None for d in dates], dtype=bool)
            valid = pa.py_buffer(np.packbits(present, bitorder="little"))
        return pa.Array.from_buffers(type, len(days), [valid, pa.py_buffer(days)])
    if pa.types.is_integer(type):
        dtype = type.to_pandas_dtype()
        if isinstance(values, np.ndarray):
            converted = values.astype(dtype)
            if not np.array_equal(converted, values):
                raise OverflowError(f"values out of range for {type}")
        elif isinstance(values, range):
            converted = np.arange(values.start, values.stop, values.step, dtype=dtype)
            if len(converted) and (converted[0] != values[0] or converted[-1] != values[-1]):
                raise OverflowError(f"values out of range for {type}")
        else:
            items = list(values)
            converted = np.array(items, dtype=dtype) if items else np.zeros(0, dtype=dtype)
        data = pa.py_buffer(np.ascontiguousarray(converted))
        return pa.Array.from_buffers(type, len(converted), [None, data])
    raise TypeError(f"no pandas-free conversion to {type}")


def scalar(value: Any, type: pa.DataType) -> pa.Scalar:
    """`pa.scalar(value, type)` without pandas: a null (`None`) of any type, else a value
    `array` accepts."""
    if value is None:
        return pa.nulls(1, type)[0]
    return array([value], type)[0]


def numbers(values: pa.Array) -> np.ndarray:
    """`values.to_numpy(zero_copy_only=False)` without pandas, for an integer or boolean array
    with no nulls (a copy for booleans, a read-only view otherwise)."""
    values = combined(values)
    if values.null_count:
        raise pa.ArrowInvalid("numbers: the array has nulls")  # as `to_numpy` would
    count, offset = len(values), values.offset
    if pa.types.is_boolean(values.type):
        data = values.buffers()[1]
        if data is None:
            return np.zeros(0, dtype=bool)
        bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8), bitorder="little")
        return bits[offset : offset + count].astype(bool)
    if not pa.types.is_integer(values.type):
        raise TypeError(f"numbers: not an integer or boolean array: {values.type}")
    dtype = np.dtype(values.type.to_pandas_dtype())
    data = values.buffers()[1]
    if data is None or count == 0:
        return np.zeros(0, dtype=dtype)
    return np.frombuffer(data, dtype=dtype, count=count, offset=offset * dtype.itemsize)


def integer(value: int) -> pa.Scalar:
    """A Python int as compute functions take it (`pa.scalar(value)`: int64), without pandas."""
    return scalar(value, pa.int64())


def literal(value: Any) -> Any:
    """A Python text, bool or int as the Arrow scalar a compute function would make of it
    (string, bool, int64), without pandas; anything else (an Arrow value) as it is."""
    if isinstance(value, str):
        return scalar(value, pa.string())
    if isinstance(value, bool):
        return scalar(value, pa.bool_())
    if isinstance(value, int):
        return integer(value)
    return value


#: The empty text, the value compute functions compare cells with (a Python `""` would be
#: converted, importing pandas).
EMPTY = scalar("", pa.string())

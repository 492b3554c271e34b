"""Compact columns for `ColumnarRows`: a large section's cells in arrays, not Python objects.

A million rows of eleven cells as tuples are about a gigabyte of Python objects; as columns
they are the bytes of their texts plus a few integers a row. Each column here gives its cells
back as Python values a slice at a time (`values(start, stop)`), the same values a tuple row
would have held:

- `TextColumn`: texts (`str`, nulls `None`) in one Arrow string array;
- `AmountColumn`: amounts kept as their exact decimal text (`str(Decimal)`: sign, digits and
  exponent), so `Decimal(text)` gives back the very Decimal, never a rounded or rescaled one;
- `IntColumn`: ints in a NumPy int64 array, with a mask of the cells that are `None`;
- `CodedColumn`: a column of few distinct values (accounts, names, dates): a code per row
  into a tuple of values.

Any of them can read through a row index (a NumPy array of positions into its arrays): a
sorted view of rows stored in arrival order, gathered a slice at a time, with no second copy.
Arrow arrays are built from their buffers (`StringBuilder`), never from Python lists, which
would import pandas (some 50 MiB) to check for its types.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from decimal import Decimal

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from reporting.table import Cell, ColumnKind

Index = npt.NDArray[np.integer]
#: Past this many bytes of text, a string array's offsets need 64 bits.
_STRING_LIMIT = (1 << 31) - 1


class TextColumn:
    """Texts in one Arrow string array (nulls are `None`), read through an optional index."""

    __slots__ = ("_array", "_index")

    kind: ColumnKind = "text"

    def __init__(self, array: pa.Array, index: Index | None = None) -> None:
        self._array = array
        self._index = index

    def __len__(self) -> int:
        return len(self._array) if self._index is None else len(self._index)

    def values(self, start: int, stop: int) -> list[Cell]:
        return self._part(start, stop).to_pylist()  # type: ignore[no-any-return]

    def _part(self, start: int, stop: int) -> pa.Array:
        if self._index is None:
            return self._array.slice(start, max(stop - start, 0))
        return self._array.take(arrow_ints(self._index[start:stop]))


class AmountColumn(TextColumn):
    """Amounts as their exact decimal text in a string array; `Decimal`s again on reading."""

    __slots__ = ()

    kind: ColumnKind = "amount"

    def values(self, start: int, stop: int) -> list[Cell]:
        part = self._part(start, stop)
        texts: list[str | None] = part.to_pylist()
        if part.null_count == 0:
            return list(map(Decimal, texts))  # type: ignore[arg-type]
        return [Decimal(text) if text is not None else None for text in texts]


class IntColumn:
    """Ints in an int64 array; `missing` marks the cells that are `None` (None: no such cell)."""

    __slots__ = ("_index", "_ints", "_missing")

    kind: ColumnKind = "int"

    def __init__(
        self,
        ints: npt.NDArray[np.integer],
        missing: npt.NDArray[np.bool_] | None = None,
        index: Index | None = None,
    ) -> None:
        self._ints = ints
        self._missing = missing
        self._index = index

    def __len__(self) -> int:
        return len(self._ints) if self._index is None else len(self._index)

    def values(self, start: int, stop: int) -> list[Cell]:
        rows = slice(start, stop) if self._index is None else self._index[start:stop]
        values: list[Cell] = self._ints[rows].tolist()
        if self._missing is not None:
            missing = self._missing[rows]
            if missing.any():
                return [None if gone else value for value, gone in zip(values, missing.tolist(), strict=True)]
        return values


class CodedColumn:
    """A column of few distinct values: each row's code (an int) into `choices`."""

    __slots__ = ("_choices", "_codes", "_index", "kind")

    def __init__(
        self,
        kind: ColumnKind,
        choices: Sequence[Cell],
        codes: npt.NDArray[np.integer],
        index: Index | None = None,
    ) -> None:
        self.kind: ColumnKind = kind
        self._choices = tuple(choices)
        self._codes = codes
        self._index = index

    def __len__(self) -> int:
        return len(self._codes) if self._index is None else len(self._index)

    def values(self, start: int, stop: int) -> list[Cell]:
        codes = self._codes[start:stop] if self._index is None else self._codes[self._index[start:stop]]
        return list(map(self._choices.__getitem__, codes.tolist()))


class StringBuilder:
    """A string column built a batch of texts at a time, into one growing buffer.

    The texts' UTF-8 bytes go into one `bytearray` and their end offsets into one `array`, both
    grown in place (a large buffer is remapped, not copied), and `finish` hands them to Arrow
    as they are: no chunks to concatenate, so no second copy and no freed copies for the
    allocator to keep.
    """

    __slots__ = ("_data", "_ends", "_missing")

    def __init__(self) -> None:
        self._data = bytearray()
        self._ends = array("i", [0])  # 64-bit ("q") once the texts pass 2 GiB
        self._missing: bytearray | None = None

    def __len__(self) -> int:
        return len(self._ends) - 1

    def extend(self, texts: Sequence[str | None]) -> None:
        count = len(texts)
        try:
            joined = "".join(texts)  # type: ignore[arg-type]
        except TypeError:  # a None among them
            if self._missing is None:
                self._missing = bytearray(len(self))
            self._missing.extend(text is None for text in texts)
            texts = [text or "" for text in texts]
            joined = "".join(texts)  # type: ignore[arg-type]
        else:
            if self._missing is not None:
                self._missing.extend(bytes(count))
        if joined.isascii():
            lengths = np.fromiter(map(len, texts), dtype=np.int64, count=count)  # type: ignore[arg-type]
            self._data += joined.encode("ascii")
        else:
            encoded = [text.encode("utf-8") for text in texts]  # type: ignore[union-attr]
            lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=count)
            self._data += b"".join(encoded)
        ends = np.cumsum(lengths)
        ends += self._ends[-1]
        if self._ends.typecode == "i" and len(self._data) > _STRING_LIMIT:
            self._ends = array("q", self._ends)
        self._ends.frombytes(ends.astype(np.int32 if self._ends.typecode == "i" else np.int64).tobytes())

    def finish(self) -> pa.Array:
        """The column as an Arrow string array over the builder's buffers; the builder is reset."""
        count = len(self)
        wide = self._ends.typecode == "q"
        validity = None
        if self._missing is not None:
            present = np.frombuffer(self._missing, dtype=np.bool_) == 0
            validity = pa.py_buffer(np.packbits(present, bitorder="little"))
        kind = pa.large_string() if wide else pa.string()
        buffers = [validity, pa.py_buffer(self._ends), pa.py_buffer(self._data)]
        self.__init__()  # type: ignore[misc]
        return pa.Array.from_buffers(kind, count, buffers)


def amount_texts(amounts: Sequence[Decimal | None]) -> list[str | None]:
    """Amounts as their exact decimal text, for a string column (see `AmountColumn`)."""
    return [str(amount) if amount is not None else None for amount in amounts]


def arrow_ints(values: npt.NDArray[np.integer]) -> pa.Array:
    """An int32 or int64 Arrow array over a NumPy array's buffer (no pandas)."""
    wide = values.dtype.itemsize > 4
    values = np.ascontiguousarray(values, dtype=np.int64 if wide else np.int32)
    return pa.Array.from_buffers(
        pa.int64() if wide else pa.int32(), len(values), [None, pa.py_buffer(values)]
    )

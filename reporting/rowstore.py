"""Compact columns for `ColumnarRows`: a large section's cells in arrays, not Python objects.

A million rows of eleven cells as tuples are about a gigabyte of Python objects; as columns
they are the bytes of their texts plus a few integers a row. Each column here gives its cells
back as Python values a slice at a time (`values(start, stop)`), the same values a tuple row
would have held:

- `TextColumn`: texts (`str`, nulls `None`) as their UTF-8 bytes end to end, with offsets;
- `AmountColumn`: amounts kept as their exact decimal text (`str(Decimal)`: sign, digits and
  exponent), so `Decimal(text)` gives back the very Decimal, never a rounded or rescaled one;
- `IntColumn`: ints in a NumPy int64 array, with a mask of the cells that are `None`;
- `CodedColumn`: a column of few distinct values (accounts, names, dates): a code per row
  into a tuple of values.

Any of them can read through a row index (a NumPy array of positions into its arrays): a
sorted view of rows stored in arrival order, gathered a slice at a time, with no second copy.
Only NumPy is used (pyarrow would cost ~27 MiB more to import, and converting Python lists
to Arrow imports pandas, ~50 MiB more).
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from reporting.table import Cell, ColumnKind

Index = npt.NDArray[np.integer]
#: Past this many bytes of text, a string array's offsets need 64 bits.
_STRING_LIMIT = (1 << 31) - 1


class Strings:
    """Texts stored end to end as UTF-8 (`data`) with `offsets` (text i is `data[o[i]:o[i+1]]`).

    `missing` marks the texts that are `None` (None: no such text); `separable` says that no
    text holds a NUL, so a block of them can be decoded at once and split on NUL.
    """

    __slots__ = ("_bytes", "data", "missing", "offsets", "separable")

    def __init__(
        self, data: bytearray, offsets: npt.NDArray[np.integer], missing: npt.NDArray[np.bool_] | None
    ) -> None:
        self.separable = b"\x00" not in data
        data.append(0)  # a NUL past the last text: the separator a gathered block is split on
        self._bytes = data
        self.data = np.frombuffer(data, dtype=np.uint8)
        self.offsets = offsets
        self.missing = missing

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @property
    def nbytes(self) -> int:
        return len(self._bytes) + self.offsets.nbytes + (0 if self.missing is None else self.missing.nbytes)

    def texts(self, rows: slice | npt.NDArray[np.integer]) -> list[str | None]:
        """The texts at `rows` (a slice, or an array of positions), in that order."""
        if isinstance(rows, slice):
            starts, ends = self.offsets[rows.start : rows.stop], self.offsets[rows.start + 1 : rows.stop + 1]
        else:
            starts, ends = self.offsets[rows], self.offsets[rows + 1]
        lengths = ends - starts
        count = len(lengths)
        if not count:
            return []
        if self.separable:
            # Each text's bytes then the NUL at the end of `data`, gathered in one step.
            sizes = lengths + 1
            firsts = np.cumsum(sizes) - sizes
            positions = np.repeat(starts - firsts, sizes) + np.arange(int(sizes.sum()))
            positions[firsts + lengths] = len(self.data) - 1
            block = self.data[positions[:-1]].tobytes().decode("utf-8")
            texts = cast(list[str | None], block.split("\x00"))
        else:
            raw = self._bytes
            texts = [  # a text holds a NUL: one by one
                raw[start:end].decode("utf-8")
                for start, end in zip(starts.tolist(), ends.tolist(), strict=True)
            ]
        return _with_missing(texts, self.missing, rows)


def _with_missing(values: list[Any], missing: npt.NDArray[np.bool_] | None, rows: Any) -> list[Any]:
    """`values` (the cells of `rows`) with None where `missing` marks a cell as absent."""
    if missing is not None:
        gone = missing[rows]
        if gone.any():
            return [None if absent else value for value, absent in zip(values, gone.tolist(), strict=True)]
    return values


class TextColumn:
    """Texts (nulls are `None`) read through an optional index."""

    __slots__ = ("_index", "_strings")

    kind: ColumnKind = "text"

    def __init__(self, strings: Strings, index: Index | None = None) -> None:
        self._strings = strings
        self._index = index

    def __len__(self) -> int:
        return len(self._strings) if self._index is None else len(self._index)

    def values(self, start: int, stop: int) -> list[Cell]:
        return self._texts(start, stop)  # type: ignore[return-value]

    def _texts(self, start: int, stop: int) -> list[str | None]:
        stop = max(start, stop)
        rows = slice(start, stop) if self._index is None else self._index[start:stop]
        return self._strings.texts(rows)


class AmountColumn(TextColumn):
    """Amounts as their exact decimal text; `Decimal`s again on reading."""

    __slots__ = ()

    kind: ColumnKind = "amount"

    def values(self, start: int, stop: int) -> list[Cell]:
        texts = self._texts(start, stop)
        if self._strings.missing is None:
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
        return _with_missing(values, self._missing, rows)


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
    grown in place (a large buffer is remapped, not copied), and `finish` hands them over as
    they are: no chunks to concatenate, so no second copy and no freed copies for the
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

    def finish(self) -> Strings:
        """The texts as `Strings` over the builder's buffers; the builder starts again empty."""
        offsets: npt.NDArray[np.integer] = np.frombuffer(
            self._ends, dtype=np.int32 if self._ends.typecode == "i" else np.int64
        )
        missing = None if self._missing is None else np.frombuffer(self._missing, dtype=np.bool_)
        strings = Strings(self._data, offsets, missing)
        self.__init__()  # type: ignore[misc]
        return strings


def amount_texts(amounts: Sequence[Decimal | None]) -> list[str | None]:
    """Amounts as their exact decimal text, for a string column (see `AmountColumn`)."""
    return [str(amount) if amount is not None else None for amount in amounts]

"""`LazySequence`: the read-only sequence protocol for values built on demand.

`TextRows` (rows parsed again from the text) and `ColumnRecords` (records built from Arrow
columns) hold their items in another form and make them when asked. Each gives its length, one
item and a contiguous span; indexing (negative too), slicing with a step and equality with any
sequence of the same items come from here, the same for both.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar, overload

T = TypeVar("T")


class LazySequence(Sequence[T]):
    """A sequence whose items are made on demand; see the module docstring."""

    __slots__ = ()
    #: What an item is called in the `IndexError` of an index out of range.
    item_name = "item"

    def _item(self, position: int) -> T:
        """The item at `position`, 0 <= position < len(self)."""
        raise NotImplementedError

    def _span(self, start: int, stop: int) -> Sequence[T]:
        """The items [start, stop), 0 <= start <= stop <= len(self)."""
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...

    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                return tuple(self[i] for i in range(start, stop, step))
            return self._span(start, max(start, stop))
        position = index + len(self) if index < 0 else index
        if not 0 <= position < len(self):
            raise IndexError(f"{self.item_name} index out of range")
        return self._item(position)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

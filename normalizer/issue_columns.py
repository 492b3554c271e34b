"""Row-level issues kept as columns: a file can have one on each of its million rows.

An `IssueBlock` holds issues that share their column, severity and code (every record dated
outside the fiscal year, say): the rows as one integer array and, per row, an index into the
few distinct `(raw, message)` texts. `ordered_issues` puts issues and blocks in the order
`in_row_order` gives (file-level issues first, then by row, equal rows in the order given) and
returns an `IssueSequence` when a block is among them: an `Issue` is made only when it is read,
the same object `Issue(...)` would be, and the counts by severity, and the issues of one
severity, are had without making the others.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from normalizer.result import Issue, Severity, in_row_order, trusted_issue
from normalizer.sequences import LazySequence

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

#: Rows with no row (file-level issues) sort first.
_FILE_LEVEL = -1


class IssueBlock:
    """Issues of one column, severity and code: row `rows[i]`, texts `texts[keys[i]]`."""

    __slots__ = ("code", "column", "keys", "rows", "severity", "texts")

    def __init__(  # noqa: PLR0917 -- the fields of an Issue, as columns
        self,
        rows: npt.NDArray[np.int64],
        keys: npt.NDArray[np.int64],
        texts: Sequence[tuple[str | None, str]],
        column: str | None,
        severity: Severity,
        code: str,
    ) -> None:
        if len(rows) != len(keys):
            raise ValueError(f"{len(rows)} rows but {len(keys)} keys")
        self.rows = rows
        self.keys = keys
        self.texts = tuple(texts)
        self.column = column
        self.severity: Severity = severity
        self.code = code

    def __len__(self) -> int:
        return len(self.rows)

    def __reduce__(self) -> tuple[Any, ...]:
        # plain bytes, not numpy's pickle: the reader child's results are unpickled from an
        # allow-list of classes (normalizer.readers.child)
        fields = (self.texts, self.column, self.severity, self.code)
        return _block, (self.rows.tobytes(), self.keys.tobytes(), *fields)

    def issue(self, index: int) -> Issue:
        raw, message = self.texts[self.keys[index]]
        return trusted_issue(int(self.rows[index]), self.column, raw, message, self.severity, self.code)


def ordered_issues(items: Iterable[Issue | IssueBlock]) -> Sequence[Issue]:
    """The issues in `in_row_order`'s order: a tuple, or an `IssueSequence` if a block is among them."""
    items = list(items)
    if not any(isinstance(item, IssueBlock) for item in items):
        return tuple(in_row_order(item for item in items if isinstance(item, Issue)))
    return IssueSequence(items)


class IssueSequence(LazySequence[Issue]):
    """Issues and blocks in row order, each `Issue` made when read (see the module docstring)."""

    __slots__ = ("_blocks", "_eager", "_index", "_part")
    item_name = "issue"

    def __init__(self, items: Iterable[Issue | IssueBlock]) -> None:
        import numpy as np

        eager: list[Issue] = []
        blocks: list[IssueBlock] = []
        keys: list[npt.NDArray[np.int64]] = []
        parts: list[npt.NDArray[np.int32]] = []
        indices: list[npt.NDArray[np.int64]] = []
        pending: list[int] = []  # the row keys of the eager issues met since the last block

        def flush() -> None:
            if pending:
                keys.append(np.array(pending, dtype=np.int64))
                parts.append(np.zeros(len(pending), dtype=np.int32))
                indices.append(np.arange(len(eager) - len(pending), len(eager), dtype=np.int64))
                pending.clear()

        for item in items:
            if isinstance(item, IssueBlock):
                flush()
                blocks.append(item)
                keys.append(np.asarray(item.rows, dtype=np.int64))
                parts.append(np.full(len(item), len(blocks), dtype=np.int32))
                indices.append(np.arange(len(item), dtype=np.int64))
            else:
                eager.append(item)
                pending.append(_FILE_LEVEL if item.row is None else item.row)
        flush()
        order = np.argsort(np.concatenate(keys), kind="stable") if keys else np.zeros(0, dtype=np.int64)
        self._eager = tuple(eager)
        self._blocks = tuple(blocks)
        self._part = np.concatenate(parts)[order] if parts else np.zeros(0, dtype=np.int32)
        self._index = np.concatenate(indices)[order] if indices else np.zeros(0, dtype=np.int64)

    def __len__(self) -> int:
        return len(self._part)

    def __reduce__(self) -> tuple[Any, ...]:
        return _sequence, (self._eager, self._blocks, self._part.tobytes(), self._index.tobytes())

    def _make(self, part: int, index: int) -> Issue:
        return self._eager[index] if part == 0 else self._blocks[part - 1].issue(index)

    def _item(self, position: int) -> Issue:
        return self._make(int(self._part[position]), int(self._index[position]))

    def _span(self, start: int, stop: int) -> Sequence[Issue]:
        return tuple(self._at(range(start, stop)))

    def __iter__(self) -> Iterator[Issue]:
        return self._at(range(len(self)))

    def _at(self, positions: Iterable[int] | npt.NDArray[np.int64]) -> Iterator[Issue]:
        import numpy as np

        chosen = np.asarray(positions, dtype=np.int64)
        make = self._make
        for part, index in zip(self._part[chosen].tolist(), self._index[chosen].tolist(), strict=True):
            yield make(part, index)

    def severity_counts(self) -> Counter[str]:
        """How many issues of each severity, without making them."""
        counts: Counter[str] = Counter(issue.severity for issue in self._eager)
        for block in self._blocks:
            counts[block.severity] += len(block)
        return counts

    def of_severity(self, severity: str) -> Iterator[Issue]:
        """The issues of one severity, in order, making only those."""
        import numpy as np

        wanted = np.array([False] + [block.severity == severity for block in self._blocks])
        mask = wanted[self._part]
        eager = self._part == 0
        if eager.any():
            matches = np.array([issue.severity == severity for issue in self._eager], dtype=bool)
            mask[eager] = matches[self._index[eager]]
        return self._at(np.flatnonzero(mask))


def _block(  # noqa: PLR0917 -- IssueBlock's fields, from its __reduce__
    rows: bytes,
    keys: bytes,
    texts: Sequence[tuple[str | None, str]],
    column: str | None,
    severity: Severity,
    code: str,
) -> IssueBlock:
    """An `IssueBlock` from its __reduce__, its keys checked against its texts."""
    block = IssueBlock(_ints(rows), _ints(keys), texts, column, severity, code)
    if len(block) and not (block.keys.min() >= 0 and block.keys.max() < len(block.texts)):
        raise ValueError("an issue block's keys are out of its texts' range")
    return block


def _sequence(
    eager: tuple[Issue, ...], blocks: tuple[IssueBlock, ...], part: bytes, index: bytes
) -> IssueSequence:
    """An `IssueSequence` from its __reduce__, its positions checked against its parts."""
    import numpy as np

    sequence = IssueSequence(())
    sequence._eager = tuple(eager)
    sequence._blocks = tuple(blocks)
    sequence._part = np.frombuffer(part, dtype=np.int32)
    sequence._index = _ints(index)
    if len(sequence._part) != len(sequence._index):
        raise ValueError("an issue sequence's positions are out of range")
    if len(sequence._part):
        sizes = np.array([len(eager), *(len(block) for block in blocks)], dtype=np.int64)
        parts_ok = sequence._part.min() >= 0 and sequence._part.max() <= len(blocks)
        if not (parts_ok and sequence._index.min() >= 0 and (sequence._index < sizes[sequence._part]).all()):
            raise ValueError("an issue sequence's positions are out of range")
    return sequence


def _ints(data: bytes) -> npt.NDArray[np.int64]:
    import numpy as np

    return np.frombuffer(data, dtype=np.int64)


def severity_counts(issues: Sequence[Issue]) -> Counter[str]:
    """How many issues of each severity (an `IssueSequence` counts without making them)."""
    if isinstance(issues, IssueSequence):
        return issues.severity_counts()
    return Counter(issue.severity for issue in issues)


def of_severity(issues: Sequence[Issue], severity: str) -> Iterator[Issue]:
    """The issues of one severity, in order (an `IssueSequence` makes only those)."""
    if isinstance(issues, IssueSequence):
        return issues.of_severity(severity)
    return (issue for issue in issues if issue.severity == severity)

"""Small Arrow helpers the columnar code and its storage consumers share."""

from __future__ import annotations

from typing import Any

import pyarrow as pa


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

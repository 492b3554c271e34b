"""The columnar path: large delimited files and xlsx workbooks of an ordinary shape, normalized
column by column.

It gives byte-for-byte the records, issues, detections and checks of the general path, or
declines (the general path then runs). See `normalizer.fast.delimited` and
`normalizer.fast.workbook` for when each is sure.
Arrow is imported only when a file is large enough to use it.
"""

from __future__ import annotations

import importlib.util

#: Files smaller than this take the general path: Arrow's start-up is not worth it below.
MIN_BYTES = 4 << 20
#: Workbooks smaller than this take the general path (a zip packs rows about ten times tighter).
MIN_WORKBOOK_BYTES = 512 << 10


def available() -> bool:
    """True when pyarrow is installed (a dependency; checked so a broken install falls back)."""
    return importlib.util.find_spec("pyarrow") is not None

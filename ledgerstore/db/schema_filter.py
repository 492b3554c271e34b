"""Which database objects belong to the declared schema (and so to schema comparison)."""

from __future__ import annotations

import re
from typing import Any

_RUNTIME_TABLE = re.compile(
    r"^(hot_records_\d+|hot_records_shared_\d+|hot_stage_\d+_[0-9a-f]+|hot_retired_\d+_[0-9a-f]+)$"
)


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Leave run-time partitions (`hot_records_<id>`, `hot_records_shared_<n>`, staging and retired tables)
    and other components' tables out."""
    if type_ == "table" and name is not None:
        if _RUNTIME_TABLE.match(name):
            return False
        # procrastinate's tables are created by its own schema script (see migrations).
        if name.startswith("procrastinate_"):
            return False
    return not (type_ == "index" and name is not None and name.startswith("hot_records_") and reflected)

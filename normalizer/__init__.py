"""ledgerstore's normalizer: any general-ledger export in, exact traceable records out.

    >>> from normalizer import normalize
    >>> result = normalize("ledger.csv", fiscal_year=2024)
    >>> result.records[0].debit

Pure: no database, no network, no global state. See docs/normalizer-design.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from normalizer.errors import (
    NoAmountColumnError,
    NoHeaderError,
    NormalizerError,
    ProfileError,
    UnreadableFileError,
)
from normalizer.record import RECORD_FIELDS, Record
from normalizer.result import CheckResult, Detected, Issue, NormalizeResult
from normalizer.version import NORMALIZER_VERSION

if TYPE_CHECKING:
    from normalizer.pipeline import normalize
    from normalizer.profiles import Profile, load_profile

#: Loaded when first asked for: the pipeline brings every reader and stage (~0.15 s), which a
#: program that only reads records (a report, `ledgerstore ledgers`) never needs.
_LAZY = {
    "normalize": "normalizer.pipeline",
    "Profile": "normalizer.profiles",
    "load_profile": "normalizer.profiles",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'normalizer' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "NORMALIZER_VERSION",
    "RECORD_FIELDS",
    "CheckResult",
    "Detected",
    "Issue",
    "NoAmountColumnError",
    "NoHeaderError",
    "NormalizeResult",
    "NormalizerError",
    "Profile",
    "ProfileError",
    "Record",
    "UnreadableFileError",
    "load_profile",
    "normalize",
]

"""ledgerstore's normalizer: any general-ledger export in, exact traceable records out.

    >>> from normalizer import normalize
    >>> result = normalize("ledger.csv", fiscal_year=2024)
    >>> result.records[0].debit

Pure: no database, no network, no global state. See docs/normalizer-design.md.
"""

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

#: Imported on first use: the readers and profiles cost ~0.25 s, which code that only needs the
#: record and result types (a report over stored records) should not pay at start-up.
_LAZY = {
    "normalize": "normalizer.pipeline",
    "Profile": "normalizer.profiles",
    "load_profile": "normalizer.profiles",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'normalizer' has no attribute {name!r}")


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

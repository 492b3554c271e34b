"""ledgerstore's normalizer: any general-ledger export in, exact traceable records out.

    >>> from normalizer import normalize
    >>> result = normalize("ledger.csv", fiscal_year=2024)
    >>> result.records[0].debit

Pure: no database, no network, no global state. See docs/normalizer-design.md.
"""

from normalizer.errors import (
    NoAmountColumnError,
    NoHeaderError,
    NormalizerError,
    ProfileError,
    UnreadableFileError,
)
from normalizer.pipeline import normalize
from normalizer.profiles import Profile, load_profile
from normalizer.record import RECORD_FIELDS, Record
from normalizer.result import CheckResult, Detected, Issue, NormalizeResult
from normalizer.version import NORMALIZER_VERSION

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

"""The one failure of role detection: two readings are close and would give different totals."""

from __future__ import annotations

from normalizer.errors import NoAmountColumnError


class AmbiguousColumnsError(NoAmountColumnError):
    """Two columns fit the same money role equally well; the message names both and the
    profile line that settles it. A subclass of `NoAmountColumnError`: no amount was decided."""

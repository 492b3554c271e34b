"""Exceptions of the normalizer.

    NormalizerError                 root: the whole file cannot be normalized
    ├── UnreadableFileError         not a format we read, corrupt, truncated, or over a limit
    │   └── DamagedWorkbookError    the bounded reader child crashed, ran out of memory or time
    ├── NoHeaderError               no row looks like a header and no profile names the columns
    ├── NoAmountColumnError         no debit/credit or amount column could be identified
    └── ProfileError                a profile file is malformed or contradicts itself

Row-level problems are never raised: they are returned as `Issue`s in the result.
Every message is written for a finance user: it says what is wrong and what to do.
"""

from __future__ import annotations


class NormalizerError(Exception):
    """The whole file cannot be normalized. `str(error)` is one line a user can act on."""

    def __init__(self, message: str, *, source: str | None = None) -> None:
        self.message = message
        self.source = source
        super().__init__(f"{source}: {message}" if source else message)

    def __reduce__(self) -> tuple[object, ...]:
        # Errors cross the process boundary of the bounded reader (pickled): keep both parts.
        return (_rebuild, (type(self), self.message, self.source))


def _rebuild(cls: type[NormalizerError], message: str, source: str | None) -> NormalizerError:
    return cls(message, source=source)


class UnreadableFileError(NormalizerError):
    """The bytes are not a ledger file we can read (format, encoding, corruption, limits)."""


class DamagedWorkbookError(UnreadableFileError):
    """The parser of a workbook died, ran out of its memory limit or its time limit.

    Raised by the bounded child that runs every workbook parser (`normalizer.readers.child`):
    whatever the parser does to its own process, the caller gets this one-line error.
    """


class NoHeaderError(NormalizerError):
    """No header row was found and no profile gives the column layout."""


class NoAmountColumnError(NormalizerError):
    """No amount column (debit/credit, signed amount, or amount + side flag) was found."""


class ProfileError(NormalizerError):
    """A profile is malformed: unknown keys, wrong types, or contradictory settings."""

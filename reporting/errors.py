"""The exceptions of `reporting`, all under one root::

ReportError (ValueError)        a report cannot be produced from what it was given
├── ReportParameterError        a parameter is missing, malformed or not accepted by the report
└── MappingFileError            a cost mapping file cannot be used (file, line and value named)
"""

from __future__ import annotations


class ReportError(ValueError):
    """The root of reporting errors: the message says what to change."""


class ReportParameterError(ReportError):
    """A report parameter is missing, malformed, or not one the report takes."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter


class MappingFileError(ReportError):
    """A cost mapping file cannot be used; names the file and, where known, the line."""

    def __init__(self, source: str, message: str, *, line: int | None = None) -> None:
        where = f"{source}, line {line}" if line is not None else source
        super().__init__(f"{where}: {message}")
        self.source = source
        self.line = line

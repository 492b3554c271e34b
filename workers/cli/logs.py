"""Structured logs for long-running commands: JSON lines on stderr unless stderr is a terminal.

Every record carries its `extra` fields (`ledger_file_id`, `task`, `job_id`, ...) as keys, so a
log pipeline can follow one ledger file across workers.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from typing import Any

#: The packages whose events `-v` shows.
OUR_LOGGERS = ("ledgerstore", "normalizer", "reporting", "workers")

#: Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JsonLineFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, then the record's extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                out[key] = value
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, default=str)


def configure_logging(*, verbose: bool, json_lines: bool | None = None) -> None:
    """Log INFO (verbose) or WARNING to stderr; as JSON lines when stderr is not a terminal."""
    if json_lines is None:
        json_lines = not sys.stderr.isatty()
    handler = logging.StreamHandler(sys.stderr)
    if json_lines:
        handler.setFormatter(JsonLineFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    # Other libraries (the embedded server, procrastinate, botocore, ...) log only warnings; -v
    # raises our own packages to INFO, so it shows ledgerstore's events and nothing else.
    root.setLevel(logging.WARNING)
    for name in OUR_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO if verbose else logging.NOTSET)

"""`register`: bring legacy uploads under management from a manifest, without processing them.

The manifest is CSV with the header `path,account,fiscal_year,name,uploaded_at`, or a JSON array
of objects with those fields. `path` is a local file (its bytes are copied into the raw store) or
the key of an object already in the store. Each registered file gets status `registered`: the
retriever serves it by reprocessing (and then from its artifact), and `backfill` freezes it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from ledgerstore.errors import LedgerStoreError
from ledgerstore.ledgers.model import LedgerFile
from ledgerstore.ledgers.options import NormalizeOptions
from ledgerstore.ledgers.status import Status
from ledgerstore.lifecycle.upload import upload
from ledgerstore.objectstore.base import ObjectStore

MANIFEST_FIELDS = ("path", "account", "fiscal_year", "name", "uploaded_at")


class ManifestError(LedgerStoreError):
    """The manifest itself is unusable (not CSV/JSON, wrong header)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ManifestEntry:
    line: int
    path: str
    account: str
    fiscal_year: int
    name: str
    uploaded_at: dt.datetime


@dataclass(slots=True, kw_only=True)
class RegisterSummary:
    """What a registration did: files registered, already known, and per-line errors."""

    registered: list[LedgerFile] = field(default_factory=list)
    existing: list[LedgerFile] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "registered": [ledger.id for ledger in self.registered],
            "existing": [ledger.id for ledger in self.existing],
            "errors": [{"line": line, "error": message} for line, message in self.errors],
        }


def read_manifest(path: Path) -> tuple[list[ManifestEntry], list[tuple[int, str]]]:
    """Parse a manifest file: its entries, and (line, message) for each unusable line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"manifest {path} cannot be read: {exc}") from exc
    rows = _json_rows(text) if text.lstrip().startswith("[") else _csv_rows(text, path)
    entries: list[ManifestEntry] = []
    errors: list[tuple[int, str]] = []
    for line, row in rows:
        try:
            entries.append(_entry(line, row))
        except (KeyError, ValueError, TypeError) as exc:
            errors.append((line, f"{exc}"))
    return entries, errors


def _csv_rows(text: str, path: Path) -> Iterator[tuple[int, Mapping[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or [f.strip() for f in reader.fieldnames] != list(MANIFEST_FIELDS):
        raise ManifestError(f"manifest {path} must have the header {','.join(MANIFEST_FIELDS)}")
    for row in reader:
        yield reader.line_num, row


def _json_rows(text: str) -> Iterator[tuple[int, Mapping[str, Any]]]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ManifestError(f"manifest is not valid JSON: {exc}") from exc
    if not isinstance(data, list):
        raise ManifestError("a JSON manifest must be an array of objects")
    for index, row in enumerate(data, start=1):
        yield index, row if isinstance(row, dict) else {}


def _entry(line: int, row: Mapping[str, Any]) -> ManifestEntry:
    missing = [name for name in MANIFEST_FIELDS if not str(row.get(name) or "").strip()]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    uploaded_at = dt.datetime.fromisoformat(str(row["uploaded_at"]).strip())
    if uploaded_at.tzinfo is None:
        uploaded_at = uploaded_at.replace(tzinfo=dt.UTC)
    try:
        fiscal_year = int(str(row["fiscal_year"]).strip())
    except ValueError:
        raise ValueError(f"fiscal_year {row['fiscal_year']!r} is not a year") from None
    return ManifestEntry(
        line=line,
        path=str(row["path"]).strip(),
        account=str(row["account"]).strip(),
        fiscal_year=fiscal_year,
        name=str(row["name"]).strip(),
        uploaded_at=uploaded_at,
    )


def register_manifest(
    engine: Engine, objects: ObjectStore, manifest: Path, *, base_dir: Path | None = None
) -> RegisterSummary:
    """Register every entry of the manifest; entries are registered in upload-time order.

    Relative local paths are taken relative to `base_dir` (default: the manifest's folder).
    Re-registering the same bytes for the same account + fiscal year is a no-op.
    """
    entries, errors = read_manifest(manifest)
    summary = RegisterSummary(errors=errors)
    base = base_dir or manifest.parent
    for entry in sorted(entries, key=lambda e: (e.uploaded_at, e.line)):
        try:
            data = _entry_bytes(objects, base, entry)
            result = upload(
                engine,
                objects,
                data,
                account=entry.account,
                fiscal_year=entry.fiscal_year,
                original_name=entry.name,
                options=NormalizeOptions(),
                uploaded_at=entry.uploaded_at,
                status=Status.REGISTERED,
            )
        except (OSError, LedgerStoreError) as exc:
            summary.errors.append((entry.line, f"{entry.path}: {exc}"))
            continue
        (summary.registered if result.created else summary.existing).append(result.ledger)
    summary.errors.sort()
    return summary


def _entry_bytes(objects: ObjectStore, base: Path, entry: ManifestEntry) -> bytes:
    local = Path(entry.path) if Path(entry.path).is_absolute() else base / entry.path
    if local.is_file():
        return local.read_bytes()
    if objects.exists(entry.path):
        return objects.read_bytes(entry.path)
    raise FileNotFoundError(f"no local file {local} and no object {entry.path} in {objects.url}")

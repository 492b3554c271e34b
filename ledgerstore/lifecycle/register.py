"""`register`: bring legacy uploads under management from a manifest, without processing them.

The manifest is CSV with the header `path,account,fiscal_year,name,uploaded_at` (in any order,
optionally with `profile`, `sheet` and `encoding` columns), or a JSON array of objects with those
fields. `path` is a local file (its bytes are copied into the raw store) or the key of an object
already in the store; `profile` a shipped profile's name or a profile file (relative to the
manifest's folder). Each registered file gets status `registered`: the retriever serves it by
reprocessing (and then from its artifact), and `backfill` freezes it.

A line that cannot be used (a missing file, a bad date or year, an account that is empty, too
long or holds control characters) is reported with its line number and column, and nothing is
stored for it; the other lines go on.
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

from ledgerstore.errors import InvalidKeyError, LedgerStoreError
from ledgerstore.ledgers.arguments import check_account, check_fiscal_year
from ledgerstore.ledgers.model import LedgerFile
from ledgerstore.ledgers.options import NormalizeOptions
from ledgerstore.ledgers.status import Status
from ledgerstore.lifecycle.upload import upload
from ledgerstore.objectstore.base import ObjectStore
from normalizer import NormalizerError

MANIFEST_FIELDS = ("path", "account", "fiscal_year", "name", "uploaded_at")
#: Optional columns: how to normalize the file (empty: detect).
OPTION_FIELDS = ("profile", "sheet", "encoding")


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
    profile: str | None = None
    sheet: str | None = None
    encoding: str | None = None


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
        except (KeyError, ValueError, TypeError, LedgerStoreError) as exc:
            errors.append((line, exc.message if isinstance(exc, LedgerStoreError) else f"{exc}"))
    return entries, errors


def _csv_rows(text: str, path: Path) -> Iterator[tuple[int, Mapping[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text))
    names = [f.strip() for f in reader.fieldnames or ()]
    if not set(MANIFEST_FIELDS) <= set(names) <= {*MANIFEST_FIELDS, *OPTION_FIELDS}:
        raise ManifestError(
            f"manifest {path} must have the header {','.join(MANIFEST_FIELDS)}"
            f" (optionally with {', '.join(OPTION_FIELDS)})"
        )
    reader.fieldnames = names
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


def _text(row: Mapping[str, Any], name: str) -> str:
    value = str(row.get(name) or "").strip()
    if not value.isprintable():
        raise ValueError(f"column {name}: holds control characters (a NUL or line break?)")
    return value


def _entry(line: int, row: Mapping[str, Any]) -> ManifestEntry:
    missing = [name for name in MANIFEST_FIELDS if not str(row.get(name) or "").strip()]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    values = {name: _text(row, name) for name in (*MANIFEST_FIELDS, *OPTION_FIELDS)}
    try:
        uploaded_at = dt.datetime.fromisoformat(values["uploaded_at"])
    except ValueError:
        raise ValueError(
            f"column uploaded_at: {values['uploaded_at'][:40]!r} is not a date and time;"
            " use ISO 8601, e.g. 2025-01-31 or 2025-01-31T09:30:00+00:00"
        ) from None
    if uploaded_at.tzinfo is None:
        uploaded_at = uploaded_at.replace(tzinfo=dt.UTC)
    try:
        fiscal_year = int(values["fiscal_year"])
    except ValueError:
        raise ValueError(f"column fiscal_year: {values['fiscal_year'][:40]!r} is not a year") from None
    check_fiscal_year(fiscal_year, "column fiscal_year")
    check_account(values["account"], "column account")
    return ManifestEntry(
        line=line,
        path=values["path"],
        account=values["account"],
        fiscal_year=fiscal_year,
        name=values["name"],
        uploaded_at=uploaded_at,
        profile=values["profile"] or None,
        sheet=values["sheet"] or None,
        encoding=values["encoding"] or None,
    )


def _options(base: Path, entry: ManifestEntry) -> NormalizeOptions:
    """The entry's normalize options; a relative profile file is found beside the manifest."""
    profile: str | Path | None = entry.profile
    if (
        entry.profile is not None
        and not Path(entry.profile).is_absolute()
        and (base / entry.profile).exists()
    ):
        profile = base / entry.profile
    return NormalizeOptions.build(profile=profile, sheet=entry.sheet, encoding=entry.encoding)


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
            options = _options(base, entry)
            data = _entry_bytes(objects, base, entry)
            result = upload(
                engine,
                objects,
                data,
                account=entry.account,
                fiscal_year=entry.fiscal_year,
                original_name=entry.name,
                options=options,
                uploaded_at=entry.uploaded_at,
                status=Status.REGISTERED,
            )
        except (OSError, LedgerStoreError, NormalizerError) as exc:
            summary.errors.append((entry.line, _entry_error(entry, exc)))
            continue
        (summary.registered if result.created else summary.existing).append(result.ledger)
    summary.errors.sort()
    return summary


def _entry_error(entry: ManifestEntry, exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError | IsADirectoryError) and exc.filename is None:
        return str(exc)  # our own message names the file already
    text = exc.message if isinstance(exc, LedgerStoreError) else (getattr(exc, "strerror", None) or str(exc))
    return f"{entry.path}: {text}"


def _entry_bytes(objects: ObjectStore, base: Path, entry: ManifestEntry) -> bytes:
    absolute = Path(entry.path).is_absolute()
    local = Path(entry.path) if absolute else base / entry.path
    if local.is_file():
        return local.read_bytes()
    if not absolute:  # an absolute path is never an object key
        try:
            if objects.exists(entry.path):
                return objects.read_bytes(entry.path)
        except InvalidKeyError:
            pass  # not a key either: the file is simply missing
    where = "" if absolute else f" (nor an object {entry.path} in {objects.url})"
    raise FileNotFoundError(f"{local}: no such file{where}; fix the path on this line or copy the file there")

"""Raw uploads: where their bytes live, storing them once, and normalizing them as asked.

Raw bytes are content-addressed (`ledger-raw/{sha256}/{safe name}`): identical bytes share one
object whatever the account. User input never becomes a path unsanitised.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any

from ledgerstore.errors import LedgerUnavailableError, ObjectExistsError, ObjectNotFoundError
from ledgerstore.ledgers.model import LedgerFile
from ledgerstore.ledgers.options import NormalizeOptions
from ledgerstore.objectstore.base import ObjectInfo, ObjectStore, holds_content
from normalizer import NormalizerError, NormalizeResult

RAW_PREFIX = "ledger-raw/"


def normalize(source: bytes, **options: Any) -> NormalizeResult:
    """`normalizer.normalize`, its pipeline imported on the first call (not by every command)."""
    from normalizer import normalize as run

    return run(source, **options)


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_NAME = 120


def safe_file_name(name: str) -> str:
    """A user's file name reduced to a harmless single path segment (`upload` if nothing is left).

    Directory parts are dropped, accents folded to ASCII, anything outside `A-Za-z0-9._-`
    becomes `_`, leading dots are removed (no `..`, no hidden files), and it is capped in length.
    """
    base = re.split(r"[/\\]", name)[-1]
    ascii_name = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    cleaned = _UNSAFE.sub("_", ascii_name).lstrip("._")[:_MAX_NAME]
    return cleaned or "upload"


def raw_key(raw_sha256: str, original_name: str) -> str:
    """Raw bytes are content-addressed: identical bytes share one object whatever the account."""
    if not re.fullmatch(r"[0-9a-f]{64}", raw_sha256):
        raise ValueError(f"not a sha256 hex digest: {raw_sha256!r}")
    return f"{RAW_PREFIX}{raw_sha256}/{safe_file_name(original_name)}"


def store_raw(
    objects: ObjectStore, data: bytes, original_name: str, *, sha256: str | None = None
) -> ObjectInfo:
    """Store raw bytes at their content address (an identical object already there is reused).

    `sha256`: the bytes' digest when the caller has just computed it (a 1M-row file costs ~0.2 s
    to hash); else it is computed here.
    """
    sha256 = sha256 or hashlib.sha256(data).hexdigest()
    info = ObjectInfo(key=raw_key(sha256, original_name), size=len(data), sha256=sha256)
    try:
        return objects.put_once(info.key, data)
    except ObjectExistsError:
        if holds_content(objects, info):
            return info
        raise


def read_raw(objects: ObjectStore, ledger: LedgerFile) -> bytes:
    """The upload's raw bytes, checked against the sha256 recorded at upload."""
    try:
        data = objects.read_bytes(ledger.raw_key)
    except ObjectNotFoundError as exc:
        raise LedgerUnavailableError(
            ledger.id, f"its raw file {ledger.raw_key} is missing from {objects.url}; re-upload it"
        ) from exc
    if hashlib.sha256(data).hexdigest() != ledger.raw_sha256:
        raise LedgerUnavailableError(
            ledger.id, f"its raw file {ledger.raw_key} does not match the sha256 recorded at upload"
        )
    return data


def normalize_stored(
    objects: ObjectStore, ledger: LedgerFile, *, data: bytes | None = None
) -> NormalizeResult:
    """Normalize the ledger file's raw bytes with its stored options; records carry its id.

    Used for first processing, reprocessing, lazy backfill and drift alike. `data`: the very
    bytes the caller created this ledger file from (an inline upload, already hashed to its
    `raw_sha256` and stored), so they are not read back and hashed again; otherwise they are
    read from the object store and checked. Raises `LedgerUnavailableError` when the raw file is
    missing or altered, and the normalizer's own `NormalizerError` when the bytes cannot be
    normalized.
    """
    if data is not None and len(data) != ledger.raw_size:
        raise ValueError(f"ledger file {ledger.id}: the bytes given are not the {ledger.raw_size} uploaded")
    options = NormalizeOptions.from_json(ledger.normalize_options)
    return normalize(
        read_raw(objects, ledger) if data is None else data,
        profile=options.profile(),
        encoding=options.encoding,
        sheet=options.sheet,
        fiscal_year=ledger.fiscal_year,
        ledger_file_id=ledger.id,
        name=ledger.original_name,
    )


def normalize_upload(
    data: bytes, options: NormalizeOptions, *, fiscal_year: int, name: str, ledger_file_id: int
) -> NormalizeResult | None:
    """Normalize an upload's bytes before its ledger-file row exists, exactly as `normalize_stored`
    will once it does (the options as stored, records owned by the id reserved for the row): an
    inline ingest runs this while the raw bytes are stored. None when the bytes cannot be
    normalized: processing normalizes them again and records the failure.
    """
    stored = NormalizeOptions.from_json(options.to_json())
    try:
        return normalize(
            data,
            profile=stored.profile(),
            encoding=stored.encoding,
            sheet=stored.sheet,
            fiscal_year=fiscal_year,
            ledger_file_id=ledger_file_id,
            name=name,
        )
    except NormalizerError:
        return None

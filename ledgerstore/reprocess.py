"""Normalizing a stored ledger file's raw bytes, exactly as its upload asked."""

from __future__ import annotations

import hashlib

from ledgerstore.errors import LedgerUnavailableError, ObjectNotFoundError
from ledgerstore.ledger_files import LedgerFile
from ledgerstore.normalize_options import NormalizeOptions
from ledgerstore.objectstore.base import ObjectStore
from normalizer import NormalizeResult, normalize


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


def normalize_ledger(objects: ObjectStore, ledger: LedgerFile) -> NormalizeResult:
    """Normalize the ledger file's raw bytes with its stored options; records carry its id.

    Raises `LedgerUnavailableError` when the raw file is missing or altered, and the
    normalizer's own `NormalizerError` when the bytes cannot be normalized.
    """
    options = NormalizeOptions.from_json(ledger.normalize_options)
    return normalize(
        read_raw(objects, ledger),
        profile=options.profile(),
        encoding=options.encoding,
        sheet=options.sheet,
        fiscal_year=ledger.fiscal_year,
        ledger_file_id=ledger.id,
        name=ledger.original_name,
    )

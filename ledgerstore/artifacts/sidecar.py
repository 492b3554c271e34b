"""The issue sidecar: a ledger file's stored issues frozen beside its artifact, write-once.

`ledger-artifacts/{id}.issues.json.gz` is gzip (`mtime=0`, no file name, fixed level) of one
canonical JSON object, one issue per line, keys in a fixed order:

    {"format":1,"ledger_file_id":7,"counts":{"error":1,"warning":0,"info":0},"stored":1,"issues":[
    {"severity":"error","row":4,"column":"Credit","raw":"abc","message":"…","code":"invalid-amount"}
    ]}

It holds exactly what the database keeps (`ledgerstore.ledgers.issues`: the counts of all issues
and the first ones in full), so the same issues always give the same bytes and `verify --deep`
compares it with the database byte for byte. Its own object, never part of the artifact: the
artifact's bytes (and sha256) stay those of its format.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from typing import Any

from ledgerstore.artifacts.keys import ARTIFACT_PREFIX
from ledgerstore.errors import ArtifactConflictError, ArtifactFormatError, ObjectExistsError
from ledgerstore.ledgers.issues import IssueCounts, IssueSet, StoredIssue
from ledgerstore.objectstore.base import ObjectInfo, ObjectStore

SIDECAR_FORMAT = 1
_LEVEL = 6


def sidecar_key(ledger_file_id: int) -> str:
    """`ledger-artifacts/{id}.issues.json.gz`."""
    if not isinstance(ledger_file_id, int) or isinstance(ledger_file_id, bool) or ledger_file_id <= 0:
        raise ValueError(f"invalid ledger file id {ledger_file_id!r}")
    return f"{ARTIFACT_PREFIX}{ledger_file_id}.issues.json.gz"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def encode_sidecar(ledger_file_id: int, issues: IssueSet) -> bytes:
    """The canonical bytes of a ledger file's issues."""
    head = (
        f'{{"format":{SIDECAR_FORMAT},"ledger_file_id":{ledger_file_id},'
        f'"counts":{_json(issues.counts.as_dict())},"stored":{len(issues.items)},"issues":['
    )
    lines = [head, ",\n".join(_json(issue.as_dict()) for issue in issues.items), "]}"]
    text = "\n".join(lines) + "\n" if issues.items else head + "\n]}\n"
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=_LEVEL, mtime=0) as gz:
        gz.write(text.encode("utf-8"))
    return buffer.getvalue()


def decode_sidecar(data: bytes) -> tuple[int, IssueSet]:
    """The ledger file id and issues a sidecar holds; `ArtifactFormatError` if it is not one."""
    try:
        document = json.loads(gzip.decompress(data).decode("utf-8"))
        counts = IssueCounts(**document["counts"])
        items = tuple(StoredIssue(**item) for item in document["issues"])
        if document["format"] != SIDECAR_FORMAT or document["stored"] != len(items):
            raise ValueError("unknown format or wrong issue count")
        return int(document["ledger_file_id"]), IssueSet(counts=counts, items=items)
    except (OSError, EOFError, ValueError, KeyError, TypeError) as exc:
        raise ArtifactFormatError(f"not an issue sidecar: {exc}") from exc


def freeze_sidecar(objects: ObjectStore, ledger_file_id: int, issues: IssueSet) -> ObjectInfo:
    """Write the sidecar once; adopt an identical one (a crashed attempt's), never replace another."""
    key = sidecar_key(ledger_file_id)
    data = encode_sidecar(ledger_file_id, issues)
    try:
        return objects.put_once(key, data)
    except ObjectExistsError:
        if objects.read_bytes(key) != data:
            raise ArtifactConflictError(ledger_file_id, key) from None
        return ObjectInfo(key=key, size=len(data), sha256=hashlib.sha256(data).hexdigest())

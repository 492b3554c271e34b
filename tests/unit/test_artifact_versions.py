"""Artifact format versions: format 1 still writes the bytes stored before versions existed, and
a registry reads every version it knows."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from ledgerstore.artifacts.codec import CodecRegistry
from ledgerstore.artifacts.format_v1 import V1, decode_artifact, encode_artifact
from ledgerstore.artifacts.formats import DEFAULT_CODECS
from ledgerstore.errors import ArtifactFormatError
from ledgerstore.summary import summarize
from normalizer import normalize
from tests.artifact_v2 import V2

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "artifacts"


def _sums() -> dict[str, tuple[str, int, int, str]]:
    out = {}
    for line in (FIXTURES / "SHA256SUMS").read_text().splitlines():
        sha256, size, count, records_sha256, name = line.split()
        out[name] = (sha256, int(size), int(count), records_sha256)
    return out


SUMS = _sums()


@pytest.mark.parametrize("name", sorted(SUMS))
def test_format_1_rewrites_the_stored_artifacts_byte_for_byte(name: str) -> None:
    sha256, size, count, records_sha256 = SUMS[name]
    stored = (FIXTURES / name).read_bytes()
    assert (hashlib.sha256(stored).hexdigest(), len(stored)) == (sha256, size)
    records = list(decode_artifact(io.BytesIO(stored)))
    data, summary = encode_artifact(records)
    assert data == stored
    assert (summary.count, summary.records_sha256) == (count, records_sha256)
    assert summarize(records).records_sha256 == records_sha256


def test_the_columnar_path_still_writes_the_stored_bytes() -> None:
    source = ROOT / "fixtures" / "samples" / "fivetran-intacct__sage_intacct__gl_detail.csv"
    result = normalize(source, ledger_file_id=4, fast_path=True)
    data, _ = encode_artifact(result.records)
    assert type(result.records).__name__ == "ColumnRecords"  # the columnar encoder was used
    assert data == (FIXTURES / "intacct-fast.json.gz").read_bytes()


def test_format_1_is_the_default_writer_at_the_specified_key() -> None:
    assert DEFAULT_CODECS.current is V1
    assert DEFAULT_CODECS.codec(None) is V1  # rows recorded before versions were are format 1
    assert V1.key(7) == "ledger-artifacts/7.json.gz"


def test_a_registry_reads_every_registered_version_and_refuses_unknown_ones() -> None:
    both = DEFAULT_CODECS.with_codec(V2, write=True)
    assert both.current is V2 and both.codec(1) is V1 and both.codec(2) is V2
    assert DEFAULT_CODECS.with_codec(V2).current is V1
    with pytest.raises(ArtifactFormatError, match="artifact format 3 is unknown"):
        both.codec(3)
    with pytest.raises(ValueError, match="not registered"):
        CodecRegistry(codecs={1: V1}, writer=2)


def test_the_toy_second_version_round_trips_with_the_same_records_sha256() -> None:
    records = list(decode_artifact(io.BytesIO((FIXTURES / "acme-2025-v1.json.gz").read_bytes())))
    writer = V2.writer(records)
    data = b"".join(writer.chunks())
    assert data != (FIXTURES / "acme-2025-v1.json.gz").read_bytes()
    batches = list(V2.batches(io.BytesIO(data)))
    assert [r for b in batches for r in b.records] == records
    assert writer.summary == summarize(records)

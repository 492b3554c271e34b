"""Format 1 read in blocks, read ahead in a thread: the same records and checks as the batch reader."""

from __future__ import annotations

import gzip
import io
import sys
import threading

import pytest

from ledgerstore import concurrency
from ledgerstore.artifacts import format_v1 as artifact_format
from ledgerstore.artifacts import io as artifact_io
from ledgerstore.artifacts.format_v1 import V1, decode_artifact_blocks, encode_artifact
from ledgerstore.artifacts.io import fetch_verified, read_verified
from ledgerstore.errors import ArtifactFormatError, ArtifactIntegrityError
from ledgerstore.objectstore.memory import MemoryStore
from normalizer.canonical import jsonl_lines
from tests.unit.test_artifact_format import _record, _varied

KEY = "ledger-artifacts/1.json.gz"


def _reader_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "artifact-reader"]


def test_blocks_hold_whole_stored_lines_and_their_canonical_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(artifact_format, "_COMPRESSED_READ", 64)  # lines cut across many blocks
    records = _varied(300)
    data, _ = encode_artifact(records)
    blocks = list(decode_artifact_blocks(io.BytesIO(data)))
    assert len(blocks) > 10
    stored = gzip.decompress(data)
    assert b"[\n" + b"".join(block.stored for block in blocks) + b"]\n" == stored
    assert b"".join(block.lines for block in blocks) == b"".join(jsonl_lines(records))
    assert [block.count for block in blocks] == [bytes(block.lines).count(b"\n") for block in blocks]
    assert sum(block.count for block in blocks) == 300


def test_block_records_are_the_records(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(artifact_format, "_READ", 256)  # several batches per block
    records = _varied(500)
    data, _ = encode_artifact(records)
    decode = V1.block_records()
    built = [
        record
        for block in V1.line_blocks(io.BytesIO(data))
        for batch in decode(block.stored)
        for record in batch
    ]
    assert built == records


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda data: data[: len(data) // 2], "not valid gzip|truncated"),
        (lambda data: b"not gzip at all", "not valid gzip"),
        (lambda data: data + b"junk", "after its gzip stream"),
        (lambda data: gzip.compress(b"{}\n]\n"), "does not start with"),
        (lambda data: gzip.compress(b"["), "does not start with"),
        (lambda data: gzip.compress(gzip.decompress(data)[:-2]), "truncated"),
        (lambda data: gzip.compress(gzip.decompress(data)[:-1]), "truncated"),
        (lambda data: gzip.compress(gzip.decompress(data) + b"{}\n"), "after its closing"),
    ],
)
def test_damaged_artifacts_are_refused_by_the_block_reader(damage: object, message: str) -> None:
    data, _ = encode_artifact([_record(1), _record(2)])
    with pytest.raises(ArtifactFormatError, match=message):
        list(decode_artifact_blocks(io.BytesIO(damage(data))))  # type: ignore[operator]


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda text: text.replace(b'"24.95"', b"24.95"), "malformed record"),
        (lambda text: text.replace(b"},\n{", b"},{"), "one record per line"),
        (lambda text: text.replace(b"},\n{", b"}\n{"), "malformed record"),
        (lambda text: text.replace(b'[\n{"', b'[\n{"a":1},\n{"'), "malformed record"),
    ],
)
def test_lines_that_are_not_records_are_refused_even_with_a_matching_checksum(
    damage: object, message: str
) -> None:
    # The bytes are recorded as they are, so only the record checks can refuse them.
    data, _ = encode_artifact([_record(1), _record(2), _record(3)])
    stored = gzip.compress(damage(gzip.decompress(data)), mtime=0)  # type: ignore[operator]
    store = MemoryStore()
    info = store.put_once(KEY, stored)
    with pytest.raises(ArtifactIntegrityError, match=message):
        list(read_verified(store, 1, info, None))


def test_a_stream_stopped_early_stops_its_reader_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(artifact_format, "_COMPRESSED_READ", 64)  # many blocks, the queue fills
    records = _varied(2_000)
    store = MemoryStore()
    data, summary = encode_artifact(records)
    info = store.put_once(KEY, data)
    batches = fetch_verified(store, 1, info, summary).record_batches()
    first = next(batches)
    assert first == records[: len(first)]
    assert len(_reader_threads()) == 1
    batches.close()
    assert _reader_threads() == []


def test_an_error_of_the_reader_thread_is_raised_to_the_consumer(monkeypatch: pytest.MonkeyPatch) -> None:
    records = _varied(50)
    store = MemoryStore()
    data, summary = encode_artifact(records)
    info = store.put_once(KEY, data)

    def failing(stream: object) -> object:
        raise ArtifactFormatError("the artifact is not valid gzip: injected")
        yield  # a generator, as the codec's

    monkeypatch.setattr(artifact_format.V1Codec, "line_blocks", lambda self, stream: failing(stream))
    with pytest.raises(ArtifactIntegrityError, match="injected"):
        list(read_verified(store, 1, info, summary))
    with pytest.raises(ArtifactIntegrityError, match="injected"):
        fetch_verified(store, 1, MemoryStore().put_once(KEY, data), summary).table()
    assert _reader_threads() == []


def test_the_reader_waits_for_its_consumer(monkeypatch: pytest.MonkeyPatch) -> None:
    # Bounded memory: the reader is at most `_BLOCKS_AHEAD` blocks ahead of what was taken.
    monkeypatch.setattr(artifact_format, "_COMPRESSED_READ", 64)
    produced: list[int] = []
    blocks = list(decode_artifact_blocks(io.BytesIO(encode_artifact(_varied(500))[0])))

    def counted() -> object:
        for index, block in enumerate(blocks):
            produced.append(index)
            yield block

    from normalizer.canonical import RecordDigest

    ahead = artifact_io._read_ahead(counted(), RecordDigest())  # type: ignore[arg-type]
    next(ahead)
    threading.Event().wait(0.3)
    assert len(produced) <= 2 + artifact_io._BLOCKS_AHEAD
    ahead.close()
    assert _reader_threads() == []


def test_the_record_stream_reads_with_prompt_switches(monkeypatch: pytest.MonkeyPatch) -> None:
    records = _varied(50)
    store = MemoryStore()
    data, summary = encode_artifact(records)
    info = store.put_once(KEY, data)
    seen: list[float] = []
    decode = artifact_format._BatchDecoder.block_records

    def watched(self: object, stored: bytes) -> object:
        seen.append(sys.getswitchinterval())
        return decode(self, stored)  # type: ignore[arg-type]

    monkeypatch.setattr(artifact_format._BatchDecoder, "block_records", watched)
    before = sys.getswitchinterval()
    assert list(read_verified(store, 1, info, summary)) == records
    assert seen and set(seen) == {concurrency._SWITCH_INTERVAL}
    assert sys.getswitchinterval() == before

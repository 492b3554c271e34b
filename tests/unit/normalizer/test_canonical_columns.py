"""The columnar canonical encoder writes exactly the bytes of the per-record one.

`ColumnRecords` builds JSON strings, attribute objects and amounts vectorised over Arrow columns;
`record_to_json` (orjson, one record at a time) is the reference. Hostile texts — quotes,
backslashes, every control character, non-ASCII, emoji, line separators, very long strings,
empty texts — must come out byte for byte as orjson writes them, in the artifact too.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import random
from decimal import Decimal

import orjson
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledgerstore.artifacts.format_v1 import encode_artifact
from normalizer.canonical import jsonl_lines, record_to_json
from normalizer.fast.records import Amounts, ColumnRecords, json_string_body
from normalizer.record import canonical_amount

HOSTILE = [
    "",
    "plain",
    'say "hi"',
    '"',
    '""',
    "\\",
    "back\\slash \\N and \\. alone",
    '\\"',
    '"\\',
    *(chr(c) for c in range(0x20)),
    "tab\there",
    "line\nbreak\r\n",
    'quote " and\ttab',
    "\x7f DEL",
    "\u2028\u2029 separators",
    "naïve café — 東京 🚀",
    "🚀" * 3,
    "\u00e9\u0301 combining",
    "x" * 100_000,
    '"' * 5_000 + "\\" * 5_000,
    "\x00" * 10 + "after nul",
    "{}[],:",
]


def _reference(values: list[str | None]) -> list[str | None]:
    return [None if v is None else orjson.dumps(v).decode()[1:-1] for v in values]


def test_json_string_body_is_what_orjson_writes_for_hostile_texts() -> None:
    assert json_string_body(pa.array(HOSTILE)).to_pylist() == _reference(HOSTILE)


@pytest.mark.parametrize("kind", [pa.string(), pa.large_string()])
def test_json_string_body_on_slices_chunks_and_nulls(kind: pa.DataType) -> None:
    values: list[str | None] = ["a", None, *HOSTILE, None, "z"]
    array = pa.array(values, kind)
    assert json_string_body(array).to_pylist() == _reference(values)
    for start, stop in [(1, 5), (3, len(values)), (len(values) - 2, len(values)), (5, 5)]:
        assert json_string_body(array.slice(start, stop - start)).to_pylist() == _reference(
            values[start:stop]
        )
    chunked = pa.chunked_array([array.slice(0, 7), array.slice(7)])
    assert json_string_body(chunked).to_pylist() == _reference(values)
    assert json_string_body(pa.array(["", ""], kind)).to_pylist() == ["", ""]
    assert json_string_body(pa.array([None, None], kind)).to_pylist() == [None, None]


def test_texts_needing_no_escape_are_kept_as_they_are() -> None:
    array = pa.array(["plain", "naïve 🚀", "", "\x7f"])
    assert json_string_body(array) is array


def test_a_lone_surrogate_never_reaches_either_encoder() -> None:
    with pytest.raises((UnicodeEncodeError, pa.ArrowException)):
        pa.array(["\ud800"])
    with pytest.raises(TypeError):
        orjson.dumps("\ud800")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=40)), max_size=30))
def test_property_json_string_body_is_orjson(values: list[str | None]) -> None:
    try:
        array = pa.array(values, pa.string())
    except (UnicodeEncodeError, pa.ArrowException):
        return  # lone surrogates: not representable in Arrow (see above)
    assert json_string_body(array).to_pylist() == _reference(values)


def _column_records(rows: int, seed: int, scale: int = 2) -> ColumnRecords:
    rng = random.Random(seed)

    def text() -> str:
        return rng.choice(HOSTILE[:-3]) if rng.random() < 0.3 else f"t{rng.randrange(1000)}"

    def attribute() -> str:
        return "" if rng.random() < 0.4 else text()

    columns = {
        "row_number": pa.array(range(2, rows + 2), pa.int64()),
        "posted_on": pa.array(
            [
                None if rng.random() < 0.05 else dt.date(2024, 1, 1) + dt.timedelta(rng.randrange(366))
                for _ in range(rows)
            ],
            pa.date32(),
        ),
        **{
            name: pa.array([text() for _ in range(rows)])
            for name in ("account", "account_name", "description")
        },
        "reference": pa.array([rng.choice(["", "R1", 'R"2']) for _ in range(rows)]),
        "journal": pa.array([f"J{i // 3}" for i in range(rows)]),
        "currency": pa.array([rng.choice(["", "USD", "EUR"]) for _ in range(rows)]),
        # keys sort by their UTF-8 bytes; one needs escaping itself
        "Vendor": pa.array([attribute() for _ in range(rows)]),
        "Département": pa.array([attribute() for _ in range(rows)]),
        'Key "q"': pa.array([attribute() for _ in range(rows)]),
        "Dept": pa.array([attribute() for _ in range(rows)]),
    }
    top = 10 ** (scale + 6)

    def amounts() -> Amounts:
        units = [
            0 if rng.random() < 0.3 else rng.choice([rng.randrange(top), 10**scale, 5]) for _ in range(rows)
        ]
        return Amounts(units=pa.array(units, pa.int64()), scale=scale)

    return ColumnRecords(ledger_file_id=9, columns=pa.table(columns), debit=amounts(), credit=amounts())


@pytest.mark.parametrize("scale", [0, 1, 2, 3, 6])
def test_canonical_lines_are_the_records_lines_byte_for_byte(scale: int) -> None:
    records = _column_records(3_000, seed=scale, scale=scale)
    expected = b"".join(jsonl_lines(list(records)))  # each Record encoded by orjson
    assert b"".join(bytes(b.lines) for b in records.canonical_batches(rows=777)) == expected
    for record, line in zip(records, expected.splitlines(), strict=True):
        assert record_to_json(record) == line


@pytest.mark.parametrize("scale", [0, 1, 2, 3, 6])
def test_amount_text_is_canonical_amount(scale: int) -> None:
    units = [0, 1, 5, 9, 10, 99, 100, 101, 12345, 10**scale, 10**12 + 7, 2**62]
    text = Amounts(units=pa.array(units, pa.int64()), scale=scale).canonical_text().to_pylist()
    assert text == [format(canonical_amount(Decimal(u).scaleb(-scale)), "f") for u in units]


def test_attributes_all_absent_or_none_declared() -> None:
    records = _column_records(50, seed=1)
    table = records._columns
    empty = {name: pa.array([""] * 50) for name in table.column_names[8:]}
    bare = ColumnRecords(
        ledger_file_id=1,
        columns=pa.table({**{n: table.column(n) for n in table.column_names[:8]}, **empty}),
        debit=records.debit,
        credit=records.credit,
    )
    assert b"".join(bytes(b.lines) for b in bare.canonical_batches()) == b"".join(jsonl_lines(list(bare)))
    assert all(r.attributes == {} for r in bare)


#: sha256 and size of the artifacts `ArtifactEncoder` wrote for these record sets before the
#: columnar encoder was vectorised further (escapes, attributes, amounts, one records hash).
PINNED = {
    (7, 70_000, 2): ("3e416623b059143eb21041fe7c07f56365d1e28e182ce53015fb3b9ced837bba", 4_552_061),
    (3, 20_000, 3): ("7d02f1eaafded27ba078efaa643f1687b8b2389b51025e47ab1f9e64f76bead3", 1_310_051),
}


@pytest.mark.parametrize(("seed", "rows", "scale"), sorted(PINNED))
def test_the_columnar_artifact_keeps_its_bytes(seed: int, rows: int, scale: int) -> None:
    records = _column_records(rows, seed=seed, scale=scale)  # more than one batch of lines
    columnar, summary = encode_artifact(records)
    assert (hashlib.sha256(columnar).hexdigest(), len(columnar)) == PINNED[seed, rows, scale]
    general, expected = encode_artifact(list(records))
    # Same lines, same summary. The gzip streams differ: isal's output depends on how its input
    # is cut into writes (per record there, per batch here), as it always has.
    assert gzip.decompress(columnar) == gzip.decompress(general)
    assert summary == expected


@pytest.mark.parametrize("block", [1, 2, 3, 7, 64])
def test_escapes_found_across_scan_blocks(block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    from normalizer.fast import records as columnar

    monkeypatch.setattr(columnar, "_SCAN_BYTES", block)
    values = ["ab", 'c"d', "", "\\", "e\nf", "plain text", '"', "🚀\t"]
    assert json_string_body(pa.array(values)).to_pylist() == _reference(values)


@pytest.mark.parametrize("scale", [0, 1, 2, 3, 6])
def test_amount_decimals_are_the_canonical_amounts(scale: int) -> None:
    """At two decimals, exactly the canonical amounts, whatever scale the units are in; None when
    a value needs a third decimal (one decimal column has one scale)."""
    step = 10 ** max(0, scale - 2)  # units with no significant digit past the second decimal
    units = [u * step for u in (0, 1, 5, 9, 10, 99, 100, 101, 12345, 10**12 + 7)] + [2**62 // step * step]
    decimals = Amounts(units=pa.array(units, pa.int64()), scale=scale).decimals()
    assert decimals is not None and decimals.type == pa.decimal128(38, 2)
    expected = [format(canonical_amount(Decimal(u).scaleb(-scale)), "f") for u in units]
    assert [format(d, "f") for d in decimals.to_pylist()] == expected
    finer = Amounts(units=pa.array([*units, 1], pa.int64()), scale=scale).decimals()
    assert (finer is None) == (scale > 2)


@pytest.mark.parametrize("scale", [0, 2, 3])
def test_typed_columns_hold_the_text_columns_values(scale: int) -> None:
    records = _column_records(2_000, seed=scale, scale=scale)
    if scale > 2:  # random units at scale 3 need their third decimal: no typed columns
        assert records.typed_columns(0, 10) is None
        return
    typed = records.typed_columns(100, 1_300)
    text = records.text_columns(100, 1_300)
    assert typed is not None and typed[0] == 9 and text[0] == "9"
    as_text = [[_as_text(value) for value in column.to_pylist()] for column in typed[1:]]
    assert as_text == [column.to_pylist() for column in text[1:]]
    assert typed[8].type == typed[9].type == pa.decimal128(38, 2)


def _as_text(value: object) -> str | None:
    """A typed value as its canonical text column writes it."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def test_attribute_blocks_serve_batches_across_their_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    """The attributes JSON is built in blocks; batches that are not aligned on them (or span
    several) get exactly the rows they ask for."""
    import normalizer.fast.records as columnar

    expected = b"".join(jsonl_lines(list(_column_records(3_000, seed=4))))
    monkeypatch.setattr(columnar, "_BATCH_ROWS", 100)
    records = _column_records(3_000, seed=4)
    assert b"".join(bytes(b.lines) for b in records.canonical_batches(rows=777)) == expected
    whole = records.text_columns(0, 3_000)[-1].to_pylist()
    assert records.text_columns(150, 2_250)[-1].to_pylist() == whole[150:2_250]
    assert records.text_columns(200, 200)[-1].to_pylist() == []

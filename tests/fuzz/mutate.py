"""Seeded mutations of ledger files, and one bounded run of the normalizer on each.

Shared by the fuzz test (a few hundred mutants) and `bench/fuzz_campaign.py` (thousands).
Mutations are blind (bit flips, magic integers, cuts, copies) on the raw bytes, and for zip
workbooks also inside one unpacked part (then re-zipped), where the XML parser, not the zip
checks, meets the damage: huge references, repeated rows, broken tags.
"""

from __future__ import annotations

import io
import random
import resource
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from normalizer import NormalizerError, normalize
from normalizer.readers import Limits

ROOT = Path(__file__).resolve().parents[2]
SEEDS: dict[str, tuple[Path, ...]] = {
    "xls": tuple(sorted((ROOT / "fixtures" / "samples").glob("*.xls"))),
    "xlsx": tuple(sorted((ROOT / "fixtures" / "samples").glob("*.xlsx"))),
    "ods": tuple(sorted((ROOT / "fixtures" / "readers").glob("*.ods"))),
    "csv": tuple(
        ROOT / "fixtures" / "samples" / name
        for name in (
            "akretion__account_move_generic-fr_coa.csv",
            "hledger__sample.fr.cp1252.csv",
            "slowbooks__qb_check_detail.csv",
            "datev-gem__EXTF_Buchungsstapel.csv",
        )
    ),
}
#: Small enough that a hostile mutant ends fast; large enough for every real sample.
LIMITS = Limits(reader_memory_mib=1_024, reader_seconds=8)
_MAGIC_INTS = (0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF)
_XML_NOISE = (
    b'r="XFD1048576"',
    b'r="A99999999999"',
    b't="s"',
    b"<v>1e308</v>",
    b"<v>99999999999999999999999999999</v>",
    b"<![CDATA[",
    b"<!--",
    b'table:number-rows-repeated="1048576"',
    b'table:number-columns-repeated="16384"',
    b"\x00",
    b"\xff\xfe",
    b"&#0;",
)


def _flip(rng: random.Random, data: bytearray) -> None:
    for _ in range(rng.randint(1, 8)):
        at = rng.randrange(len(data))
        data[at] ^= 1 << rng.randrange(8)


def _magic(rng: random.Random, data: bytearray) -> None:
    value = rng.choice(_MAGIC_INTS)
    width = rng.choice((1, 2, 4))
    at = rng.randrange(max(1, len(data) - width))
    data[at : at + width] = (value & ((1 << (8 * width)) - 1)).to_bytes(width, "little")


def _cut(rng: random.Random, data: bytearray) -> None:
    del data[rng.randrange(len(data)) :]


def _copy(rng: random.Random, data: bytearray) -> None:
    start = rng.randrange(len(data))
    chunk = data[start : start + rng.randint(1, 4096)]
    at = rng.randrange(len(data))
    data[at:at] = chunk * rng.randint(1, 50)


def _drop(rng: random.Random, data: bytearray) -> None:
    start = rng.randrange(len(data))
    del data[start : start + rng.randint(1, 512)]


def _noise(rng: random.Random, data: bytearray) -> None:
    at = rng.randrange(len(data))
    data[at:at] = rng.choice(_XML_NOISE) if rng.random() < 0.6 else rng.randbytes(rng.randint(1, 16))


_BLIND: tuple[Callable[[random.Random, bytearray], None], ...] = (
    _flip,
    _magic,
    _magic,
    _cut,
    _copy,
    _drop,
    _noise,
)


def mutate(rng: random.Random, kind: str, seed: bytes) -> bytes:
    """One mutant of `seed` (a file of `kind`): 1-3 blind mutations, inside a part for zips."""
    if kind in ("xlsx", "ods") and rng.random() < 0.7:
        return _mutate_part(rng, seed)
    data = bytearray(seed)
    for _ in range(rng.randint(1, 3)):
        if data:
            rng.choice(_BLIND)(rng, data)
    return bytes(data)


def _mutate_part(rng: random.Random, seed: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(seed)) as source:
        infos = source.infolist()
        parts = {info.filename: source.read(info.filename) for info in infos}
    xml = [name for name in parts if name.endswith(".xml")]
    target = rng.choice(xml)
    data = bytearray(parts[target])
    for _ in range(rng.randint(1, 3)):
        if data:
            rng.choice(_BLIND)(rng, data)
    parts[target] = bytes(data)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in infos:
            archive.writestr(info.filename, parts[info.filename])
    return out.getvalue()


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """What one mutant did: "ok" or the error class; its message; seconds; parent RSS (MiB)."""

    kind: str
    result: str
    message: str
    seconds: float
    rss_mib: float


def run_one(kind: str, data: bytes, *, limits: Limits = LIMITS) -> Outcome:
    """Normalize one mutant. Any exception other than the normalizer's own propagates."""
    started = time.monotonic()
    try:
        normalize(data, name=f"mutant.{kind}", limits=limits)
        result, message = "ok", ""
    except NormalizerError as exc:
        result, message = type(exc).__name__, str(exc)
    return Outcome(
        kind=kind,
        result=result,
        message=message,
        seconds=time.monotonic() - started,
        rss_mib=current_rss_mib(),
    )


def current_rss_mib() -> float:
    """This process's resident memory now (MiB), from /proc (Linux); else its peak so far."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return pages * resource.getpagesize() / (1 << 20)


def mutants(seed: int, count: int) -> list[tuple[str, bytes]]:
    """`count` mutants spread over the kinds and their seed files, reproducibly from `seed`."""
    rng = random.Random(seed)
    kinds = sorted(SEEDS)
    files = {kind: [path.read_bytes() for path in SEEDS[kind]] for kind in kinds}
    out = []
    for index in range(count):
        kind = kinds[index % len(kinds)]
        out.append((kind, mutate(rng, kind, rng.choice(files[kind]))))
    return out

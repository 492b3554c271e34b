"""The OLE2 chain check: real workbooks pass, a loop in the FAT or the MiniFAT is refused."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from normalizer.errors import UnreadableFileError
from normalizer.readers.ole_chains import check_chains

SAMPLES = Path(__file__).parents[4] / "fixtures" / "samples"
XLS = sorted(SAMPLES.glob("*.xls"))


@pytest.mark.parametrize("path", XLS, ids=lambda p: p.name)
def test_real_workbooks_pass(path: Path) -> None:
    check_chains(path.read_bytes())


def test_a_fat_link_back_to_its_own_chain_is_refused() -> None:
    data = bytearray((SAMPLES / "akretion__account_move_generic-fr_coa.xls").read_bytes())
    fat_sector = struct.unpack_from("<L", data, 76)[0]
    at = 512 + fat_sector * 512
    links = struct.unpack_from("<128L", data, at)
    start = next(i for i, link in enumerate(links) if link == i + 1)  # a chain i -> i + 1
    struct.pack_into("<L", data, at + 4 * (start + 1), start)  # ... and back to i
    with pytest.raises(UnreadableFileError, match="a chain of its sectors loops back on itself"):
        check_chains(bytes(data))


def test_a_short_file_is_refused() -> None:
    with pytest.raises(UnreadableFileError, match="cut short"):
        check_chains(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)

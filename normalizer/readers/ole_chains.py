"""Refuse an OLE2 compound document whose sector chains loop, before xlrd follows them.

xlrd's `compdoc` follows a stream's chain of sectors through the allocation table (FAT) until
it ends; one changed byte can make the chain loop back on itself, and xlrd then appends the
same sectors forever (9 GB in minutes). The FAT is a table of "next sector" links: a chain
loops exactly when the links, followed from some sector, come back to it. One linear pass
over the table finds any such loop. Small streams live in the mini stream, chained by the
MiniFAT the same way: it is checked too.
"""

from __future__ import annotations

import struct

from normalizer.errors import UnreadableFileError

_HEADER = struct.Struct("<8s16s5H6s9L")
_MSAT_ENTRIES = 109
_MSAT_AT = 76
_SPECIAL = 0xFFFFFFFA  # and above: end of chain, free, FAT or DIFAT sector
_DAMAGED = "the Excel 97-2003 workbook (.xls) is damaged ({}); export it again"


def check_chains(data: bytes) -> None:
    """Refuse `data` (an OLE2 file) if its allocation table links a chain into a loop."""
    if len(data) < 512:
        raise UnreadableFileError(_DAMAGED.format("it is cut short"))
    fields = _HEADER.unpack_from(data, 0)
    shift, fat_sectors, mini_start = fields[5], fields[9], fields[13]
    if not 7 <= shift <= 16:
        return  # xlrd refuses such a header itself
    size = 1 << shift
    total = (len(data) - 512 + size - 1) // size
    fat = _fat(data, size, total, fat_sectors, (fields[15], fields[16]))
    if _loops(fat, total):
        raise UnreadableFileError(_DAMAGED.format("a chain of its sectors loops back on itself"))
    minifat = [link for sector in _chain(fat, mini_start) for link in _links(data, sector, size)]
    if _loops(minifat, len(minifat)):
        raise UnreadableFileError(_DAMAGED.format("a chain of its small-stream sectors loops back on itself"))


def _chain(fat: list[int], start: int) -> list[int]:
    """The sectors of the chain from `start` (the FAT has no loop by now)."""
    sectors = []
    while 0 <= start < len(fat):
        sectors.append(start)
        start = fat[start]
    return sectors


def _links(data: bytes, sector: int, size: int) -> tuple[int, ...]:
    at = 512 + sector * size
    if at + size > len(data):
        return ()
    return struct.unpack_from(f"<{size // 4}L", data, at)


def _fat(data: bytes, size: int, total: int, count: int, difat_chain: tuple[int, int]) -> list[int]:
    """The FAT's links, read from the sectors that the header and the DIFAT name."""
    difat, difat_count = difat_chain
    sectors = list(struct.unpack_from(f"<{_MSAT_ENTRIES}L", data, _MSAT_AT))
    seen: set[int] = set()
    while difat < _SPECIAL and len(seen) < difat_count and difat < total:
        if difat in seen:
            raise UnreadableFileError(_DAMAGED.format("its sector index loops back on itself"))
        seen.add(difat)
        entries = _links(data, difat, size)
        if not entries:
            break
        sectors.extend(entries[:-1])
        difat = entries[-1]
    links: list[int] = []
    for sector in sectors[: min(count, total)]:
        if sector < _SPECIAL:
            links.extend(_links(data, sector, size))
    return links


def _loops(links: list[int], total: int) -> bool:
    """True if following links from some sector comes back to a sector of the same walk."""
    state = bytearray(len(links))  # 0 unvisited, 1 on the current walk, 2 done
    for start in range(len(links)):
        if state[start]:
            continue
        walk = []
        sector = start
        while 0 <= sector < len(links) and sector < total and not state[sector]:
            state[sector] = 1
            walk.append(sector)
            sector = links[sector]
        looped = 0 <= sector < len(links) and state[sector] == 1
        for visited in walk:
            state[visited] = 2
        if looped:
            return True
    return False

"""`SheetExtent` skips finding every reference of a piece whose cells stay inside the bounds
found so far; its bounds must be the full scan's for any sheet XML, cut into any pieces."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalizer.readers import sheet_extent
from normalizer.readers.sheet_extent import SheetExtent


def _bounds(xml: bytes, cut: int, *, shortcut: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    with monkeypatch.context() as patch:
        if not shortcut:
            patch.setattr(SheetExtent, "_within", lambda self, piece, tags: False)
        extent = SheetExtent()
        pieces = [xml[i : i + cut] for i in range(0, len(xml), cut)]
        # pieces end after a '>' as `xlsx_package._aligned` cuts them
        aligned, carry = [], b""
        for piece in pieces:
            buffer = carry + piece
            at = buffer.rfind(b">") + 1
            carry = buffer[at:]
            if at:
                aligned.append(buffer[:at])
        aligned.append(carry)
        for piece in aligned:
            extent.feed(piece)
        return extent.bounds()


def _sheet(rows: list[list[bytes]]) -> bytes:
    body = b"".join(
        b'<row r="%d">' % (n + 1) + b"".join(b"<c " + cell + b"><v>1</v></c>" for cell in cells) + b"</row>"
        for n, cells in enumerate(rows)
    )
    return b'<worksheet xmlns:x="urn:x"><sheetData>' + body + b"</sheetData></worksheet>"


_COLUMNS = st.sampled_from(["A", "B", "J", "Z", "AA", "b"])
_REF = st.one_of(
    st.builds(lambda col, row: b'r="%s%d"' % (col.encode(), row), _COLUMNS, st.integers(0, 3_000_000)),
    st.sampled_from([b's="1" r="C4"', b'r="D"', b't="n"', b'r="A0000007"', b'r="AAAA1"']),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_REF, min_size=1, max_size=5), min_size=1, max_size=60), st.integers(40, 400))
def test_shortcut_gives_the_full_scan_bounds(rows: list[list[bytes]], cut: int) -> None:
    xml = _sheet(rows)
    with pytest.MonkeyPatch.context() as patch:
        assert _bounds(xml, cut, shortcut=True, monkeypatch=patch) == _bounds(
            xml, cut, shortcut=False, monkeypatch=patch
        )


def test_a_far_cell_after_plain_pieces_is_found() -> None:
    plain = [[b'r="A%d"' % (n + 1), b'r="B%d"' % (n + 1)] for n in range(2000)]
    far = [*plain, [b'r="C2001"', b'r="XFD999999"']]
    with pytest.MonkeyPatch.context() as patch:
        assert _bounds(_sheet(far), 4096, shortcut=True, monkeypatch=patch) == (999_999, 16_384)
        assert _bounds(_sheet(plain), 4096, shortcut=True, monkeypatch=patch) == (2000, 2)


def test_beyond_pattern_reads_references_as_numbers() -> None:
    pattern = sheet_extent._beyond(100_001, 10)
    inside = [b'<c r="J100001"', b'<c r="A99999"', b'<c r="J099999"']
    outside = [b'<c r="K1"', b'<c r="J100002"', b'<c r="AA1"', b'<c r="A1000000"', b'<c r="a1"', b'<c r="A"']
    assert not any(pattern.search(ref) for ref in inside)
    assert all(pattern.search(ref) for ref in outside)

"""The columnar path's physical line count is the general reader's: CR LF, LF or a lone CR end a
line, and a last line without an end still counts; a CR LF split across two of the count's
blocks is one line end."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalizer.fast import delimited


def _reference(data: bytes) -> int:
    """The reader's rule, as bytes: every line end, then one more for an unended last line."""
    ends = (
        data.count(b"\r\n")
        + data.replace(b"\r\n", b"").count(b"\r")
        + data.replace(b"\r\n", b"").count(b"\n")
    )
    return ends + (0 if data.endswith((b"\n", b"\r")) else 1)


@pytest.mark.parametrize(
    ("data", "lines"),
    [(b"", 1), (b"a", 1), (b"a\n", 1), (b"a\r\n", 1), (b"a\r", 1), (b"a\r\nb", 2), (b"\r\r\n\n", 3),
     (b"\n\r", 2), (b"a,b\r\nc,d\r\n", 2)],
)  # fmt: skip
def test_line_ends(data: bytes, lines: int) -> None:
    assert delimited._line_count(data) == lines == _reference(data)


@settings(max_examples=300, deadline=None)
@given(
    data=st.lists(st.sampled_from([b"a", b"\r", b"\n", b"\r\n", b"\xc3\xa9"]), max_size=60).map(b"".join),
    block=st.integers(min_value=1, max_value=9),
)
def test_any_block_size_counts_like_the_reader(data: bytes, block: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(delimited, "_COUNT_BLOCK", block)
        assert delimited._line_count(data) == _reference(data)

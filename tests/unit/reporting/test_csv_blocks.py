"""CSV cells a block at a time: the same texts as `cell_text` gives cell by cell."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from reporting.renderers import csv_format
from reporting.renderers.cells import cell_text

_AMOUNTS = st.one_of(
    st.none(),
    st.builds(
        lambda digits, places: Decimal(digits).scaleb(-places),
        st.integers(-(10**15), 10**15),
        st.integers(0, 9),
    ),
    st.sampled_from([Decimal(text) for text in ("-0.00", "-0E+2", "0E-10", "1E+3", "1E-7", "1.2300", "5")]),
)
_TEXTS = st.one_of(st.none(), st.text(), st.sampled_from(["=x", "+1", "-1", "@a", "\tx", "\rx", "a\x00=b"]))


@settings(max_examples=300, deadline=None)
@given(st.lists(_AMOUNTS, max_size=20))
def test_a_block_of_amounts_is_written_as_cell_text_writes_each(amounts: list[Decimal | None]) -> None:
    assert csv_format._amounts(amounts) == [cell_text(amount) for amount in amounts]


@settings(max_examples=300, deadline=None)
@given(st.lists(_TEXTS, max_size=20))
def test_a_block_of_texts_is_neutralised_as_cell_text_does_each(texts: list[str | None]) -> None:
    assert csv_format._texts(texts) == [cell_text(text) for text in texts]

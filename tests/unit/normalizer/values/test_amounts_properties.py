"""Property tests: any amount rendered in any supported notation reads back exactly."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from hypothesis import example, given
from hypothesis import strategies as st

from normalizer.values import infer_decimal_mark, parse_amount
from normalizer.values.amounts import _FAST_COMMA, _FAST_DOT, _FAST_UNKNOWN, _parse_text

SPACES = [" ", "\u00a0", "\u202f"]


@dataclass(frozen=True)
class Notation:
    mark: str
    thousands: str | None
    negative: str  # "lead", "minus-sign", "trail", "parens"
    plus: bool
    currency: str | None
    currency_after: bool
    currency_space: bool
    padding: str
    bare_fraction: bool  # ".50" rather than "0.50"


@st.composite
def notations(draw: st.DrawFn, mark: str | None = None) -> Notation:
    chosen = mark or draw(st.sampled_from([".", ","]))
    other = "," if chosen == "." else "."
    return Notation(
        mark=chosen,
        thousands=draw(st.sampled_from([None, other, "'", "’", *SPACES])),
        negative=draw(st.sampled_from(["lead", "minus-sign", "trail", "parens"])),
        plus=draw(st.booleans()),
        currency=draw(st.sampled_from([None, "$", "€", "£", "USD", "CHF", "EUR"])),
        currency_after=draw(st.booleans()),
        currency_space=draw(st.booleans()),
        padding=draw(st.sampled_from(["", " ", "  ", "\t", "\u00a0"])),
        bare_fraction=draw(st.booleans()),
    )


amounts = st.builds(
    lambda sign, whole, fraction: Decimal(f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}"),
    st.sampled_from(["", "-"]),
    st.integers(min_value=0, max_value=10**15),
    st.text(alphabet="0123456789", max_size=6),
)


def render(value: Decimal, notation: Notation) -> str:
    digits = format(value.copy_abs(), "f")
    whole, _, fraction = digits.partition(".")
    if notation.thousands is not None:
        groups: list[str] = []
        while len(whole) > 3:
            whole, group = whole[:-3], whole[-3:]
            groups.insert(0, group)
        whole = notation.thousands.join([whole, *groups])
    if notation.bare_fraction and whole == "0" and fraction:
        whole = ""
    number = f"{whole}{notation.mark}{fraction}" if fraction else whole
    if notation.currency:
        space = " " if notation.currency_space else ""
        number = (
            f"{number}{space}{notation.currency}"
            if notation.currency_after
            else f"{notation.currency}{space}{number}"
        )
    if value.is_signed():
        number = {
            "lead": f"-{number}",
            "minus-sign": f"−{number}",
            "trail": f"{number}-",
            "parens": f"({number})",
        }[notation.negative]
    elif notation.plus:
        number = f"+{number}"
    return f"{notation.padding}{number}{notation.padding}"


def same(parsed: Decimal | None, expected: Decimal) -> bool:
    """Equal as numbers and in exponent (nothing rounded or padded); a negative zero reads as 0."""
    return parsed is not None and parsed == expected and parsed.as_tuple()[1:] == expected.as_tuple()[1:]


@given(amounts, notations())
@example(Decimal("-1234.56"), Notation(",", ".", "parens", False, "€", True, True, " ", False))
@example(Decimal("0.5"), Notation(".", ",", "lead", False, "$", False, False, "", True))
def test_rendered_amount_reads_back_exactly_with_declared_mark(value: Decimal, notation: Notation) -> None:
    text = render(value, notation)
    parsed = parse_amount(text, decimal_mark=notation.mark)
    assert parsed.error is None, text
    assert same(parsed.value, value), (text, parsed)


@given(amounts, notations())
def test_without_mark_a_value_is_read_right_or_called_ambiguous(value: Decimal, notation: Notation) -> None:
    text = render(value, notation)
    parsed = parse_amount(text, decimal_mark=None)
    if parsed.error is None:
        assert same(parsed.value, value), (text, parsed)
    else:
        assert "ambiguous" in parsed.error, (text, parsed)


@given(st.lists(st.tuples(amounts, notations(mark=",")), max_size=30), amounts, notations(mark=","))
def test_infers_comma_from_a_comma_column_with_one_telling_value(
    column: list[tuple[Decimal, Notation]], telling: Decimal, notation: Notation
) -> None:
    values = [render(value, each) for value, each in column]
    values.append(render(telling.quantize(Decimal("0.01")), notation))  # ",dd" tells
    assert infer_decimal_mark(values).value == ","


@given(st.lists(st.tuples(amounts, notations(mark=".")), max_size=30), amounts, notations(mark="."))
def test_infers_dot_from_a_dot_column_with_one_telling_value(
    column: list[tuple[Decimal, Notation]], telling: Decimal, notation: Notation
) -> None:
    values = [render(value, each) for value, each in column]
    values.append(render(telling.quantize(Decimal("0.1")), notation))  # ".d" tells
    assert infer_decimal_mark(values).value == "."


@given(st.one_of(st.from_regex(_FAST_DOT, fullmatch=True), st.from_regex(_FAST_COMMA, fullmatch=True)))
def test_fast_paths_agree_with_the_full_reading(text: str) -> None:
    for mark, fast in ((".", _FAST_DOT), (",", _FAST_COMMA), (None, _FAST_UNKNOWN)):
        if fast.fullmatch(text):
            assert parse_amount(text, decimal_mark=mark) == _parse_text.__wrapped__(text, mark), (text, mark)


@given(st.text(alphabet="0123456789.,-+()$€ '", max_size=14), st.sampled_from([".", ",", None]))
def test_any_text_gives_a_value_or_an_error_never_both(text: str, mark: str | None) -> None:
    parsed = parse_amount(text, decimal_mark=mark)
    assert (parsed.value is None) != (parsed.error is None) or not text.strip()

"""Bytes of a text export to `str`: which encoding, and how sure we are.

Order: an override wins; then a byte-order mark (UTF-8, UTF-16, UTF-32); then UTF-16 without a
mark (every other byte NUL); then UTF-8 if the bytes are valid UTF-8, or if they hold more valid
multi-byte UTF-8 sequences than invalid ones (a UTF-8 file damaged in places: each invalid
sequence becomes U+FFFD and is reported, see `Decoded.replaced`); else the Windows code page
1252 when bytes 0x80-0x9F occur (there they are letters such as € or ‘), else Latin-1 (both
decode every other byte identically). A cp1252 or Latin-1 text has almost no valid UTF-8
sequences: "é" is one byte, 0xE9, which UTF-8 cannot follow with a letter.
"""

from __future__ import annotations

import codecs
import re
from contextvars import ContextVar
from dataclasses import dataclass

from normalizer.errors import UnreadableFileError
from normalizer.result import Detected

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_C1_BYTE = re.compile(rb"[\x80-\x9f]")
_SAMPLE = 4096


@dataclass(frozen=True, slots=True, kw_only=True)
class Decoded:
    """Text, its encoding, and where invalid UTF-8 sequences were replaced: (offset in the text,
    the bad bytes in hex) for each, in order; empty unless the file is mostly-valid UTF-8."""

    text: str
    encoding: Detected
    replaced: tuple[tuple[int, str], ...] = ()


def decode_text(data: bytes, override: str | None = None) -> tuple[str, Detected]:
    """Decode `data` once; return the text (without a byte-order mark) and the encoding used."""
    decoded = decode(data, override)
    return decoded.text, decoded.encoding


def decode(data: bytes, override: str | None = None) -> Decoded:
    """Decode `data` once (see the module's docstring for the order)."""
    try:
        text, encoding = _strict(data, override)
    except _MostlyUtf8 as damaged:
        return damaged.decoded
    return Decoded(text=text, encoding=encoding)


class _MostlyUtf8(Exception):
    def __init__(self, decoded: Decoded) -> None:
        self.decoded = decoded


def _strict(data: bytes, override: str | None) -> tuple[str, Detected]:
    if override is not None:
        return _decode(data, _with_bom(data, override), "check the encoding setting"), Detected(
            value=override, confidence=1.0, source="override"
        )
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return _decode(data[len(bom) :], name, "its byte-order mark names this encoding"), Detected(
                    value=name, confidence=1.0
                )
            except UnreadableFileError:
                if name == "utf-8-sig":  # the mark says UTF-8: damage is replaced and reported
                    raise _MostlyUtf8(_replaced(data[len(bom) :])[0]) from None
                if name.startswith("utf-32"):  # FF FE 00 00 may be UTF-16 with a leading NUL character
                    continue
                raise
    guess = _utf16_without_bom(data[:_SAMPLE])
    if guess is not None:
        try:
            return data.decode(guess), Detected(value=guess, confidence=0.8)
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), Detected(value="utf-8", confidence=1.0)
    except UnicodeDecodeError:
        pass
    # At C speed first: a cp1252 file has one invalid sequence per accented letter, which the
    # noting decode below would visit one by one.
    rough = data.decode("utf-8", "replace")
    bad = rough.count("\ufffd")
    if len(rough) - len(rough.encode("ascii", "ignore")) - bad > bad:
        raise _MostlyUtf8(_replaced(data)[0])
    return _single_byte(data)


#: The bad sequences met by the running decode (a context variable: decodes may run in threads).
_BAD: ContextVar[list[tuple[int, int]]] = ContextVar("bad_utf8_sequences")
_HANDLER = "ledgerstore-note-replace"


def _note_and_replace(exc: UnicodeError) -> tuple[str, int]:
    assert isinstance(exc, UnicodeDecodeError)
    _BAD.get().append((exc.start, exc.end))
    return "\ufffd", exc.end


codecs.register_error(_HANDLER, _note_and_replace)


def _replaced(data: bytes) -> tuple[Decoded, int]:
    """UTF-8 with each invalid sequence replaced, and how many valid multi-byte sequences it has.

    "replace" makes one U+FFFD per maximal invalid subpart, as the noting handler is called.
    """
    bad: list[tuple[int, int]] = []
    token = _BAD.set(bad)
    try:
        text = data.decode("utf-8", _HANDLER)
    finally:
        _BAD.reset(token)
    valid = len(text) - len(text.encode("ascii", "ignore")) - len(bad)
    replaced = []
    at_byte = at_char = 0
    for start, end in bad:
        at_char += len(data[at_byte:start].decode("utf-8"))  # valid between two bad sequences
        replaced.append((at_char, data[start:end].hex(" ").upper()))
        at_char, at_byte = at_char + 1, end
    decoded = Decoded(text=text, encoding=Detected(value="utf-8", confidence=0.7), replaced=tuple(replaced))
    return decoded, valid


def _with_bom(data: bytes, override: str) -> str:
    """The codec for an override, skipping a matching byte-order mark (never part of the text)."""
    name = codecs.lookup(override).name
    if name == "utf-8" and data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    return override


def _decode(data: bytes, encoding: str, hint: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        bad = exc.object[exc.start : exc.start + 1].hex().upper()
        raise UnreadableFileError(
            f"the file is not valid {encoding} text (byte 0x{bad} at offset {exc.start:,}); {hint}"
        ) from exc
    return text.removeprefix("\ufeff")


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 text of mostly Latin letters has a NUL in every other byte."""
    pairs = len(sample) // 2
    if pairs < 8:
        return None
    even_nuls = sample[0 : pairs * 2 : 2].count(0)
    odd_nuls = sample[1 : pairs * 2 : 2].count(0)
    if odd_nuls >= 0.4 * pairs and even_nuls <= 0.05 * pairs:
        return "utf-16-le"
    if even_nuls >= 0.4 * pairs and odd_nuls <= 0.05 * pairs:
        return "utf-16-be"
    return None


def _single_byte(data: bytes) -> tuple[str, Detected]:
    if _C1_BYTE.search(data) is None:
        return data.decode("latin-1"), Detected(value="latin-1", confidence=0.9)
    try:
        return data.decode("cp1252"), Detected(value="cp1252", confidence=0.9)
    except UnicodeDecodeError:
        # 0x81, 0x8D, 0x8F, 0x90 and 0x9D are unassigned in cp1252: not a Windows text.
        return data.decode("latin-1"), Detected(value="latin-1", confidence=0.5)

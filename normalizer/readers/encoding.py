"""Bytes of a text export to `str`: which encoding, and how sure we are.

Order: an override wins; then a byte-order mark (UTF-8, UTF-16, UTF-32); then UTF-16 without a
mark (every other byte NUL); then UTF-8 if the bytes are valid UTF-8; else the Windows code page
1252 when bytes 0x80-0x9F occur (there they are letters such as € or ‘), else Latin-1 (both
decode every other byte identically).
"""

from __future__ import annotations

import codecs
import re

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


def decode_text(data: bytes, override: str | None = None) -> tuple[str, Detected]:
    """Decode `data` once; return the text (without a byte-order mark) and the encoding used."""
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
    return _single_byte(data)


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

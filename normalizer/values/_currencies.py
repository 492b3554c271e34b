"""Currencies written around an amount, in any script, and the text cleaning before parsing.

A currency next to a number is one of: an ISO code (`USD`, `CHF`), a prefixed dollar (`US$`,
`NZ$`), a run of Unicode currency signs (`$` `€` `₹` `﷼` `＄` ...), a Latin-script abbreviation
from a short list (`kr`, `zł`, `Kč`, `Ft`, `Rs.`, `RM`, `S/.` ...), or a short word in a
non-Latin script with optional dots (`руб.`, `грн`, `лв`, `د.إ`, `ر.س`, `円`, `元`). Latin words
are not taken freely because `Dr`/`Cr`/`S`/`H` next to an amount are side flags, not currencies.

`ISO_CODES` names the code of the spellings that mean one currency; the others (`$`, `kr`,
`¥`, `Rs`) stay as written: which dollar or krone it is must come from elsewhere.
"""

from __future__ import annotations

import re

#: Every character of Unicode category Sc (currency symbol) in the Basic Multilingual Plane.
_SIGNS = "$¢£¤¥֏؋߾߿৲৳৻૱௹฿៛₠₡₢₣₤₥₦₧₨₩₪₫€₭₮₯₰₱₲₳₴₵₶₷₸₹₺₻₼₽₾₿⃀꠸﷼﹩＄￠￡￥￦"
_LATIN_ABBREVIATIONS = r"kr|zł|Kč|Ft|Fr|Rs|Rp|RM|lei|Lei|kn|Kn|Bs|TL|Lek|Kz|Sk"
# A letter of a script other than Latin (Cyrillic, Arabic, Hebrew, Greek, CJK, ...).
_NON_LATIN_LETTER = r"(?:(?![A-Za-z\u00aa\u00b5\u00ba\u00c0-\u024f\u1e00-\u1eff])[^\W\d_])"

CURRENCY = (
    r"[A-Z]{3}(?![^\W\d_])|[A-Z]{1,2}\$|S/\.?"
    rf"|[{_SIGNS}]"
    rf"|(?:{_LATIN_ABBREVIATIONS})\.?(?![^\W\d_])"
    rf"|{_NON_LATIN_LETTER}{{1,4}}(?:\.{_NON_LATIN_LETTER}{{1,3}}){{0,2}}\.?"
)

ISO_CODES = {
    "€": "EUR",
    "£": "GBP",
    "₹": "INR",
    "₩": "KRW",
    "￦": "KRW",
    "₽": "RUB",
    "руб": "RUB",
    "руб.": "RUB",
    "₺": "TRY",
    "TL": "TRY",
    "₪": "ILS",
    "₫": "VND",
    "₱": "PHP",
    "₦": "NGN",
    "₴": "UAH",
    "грн": "UAH",
    "грн.": "UAH",
    "฿": "THB",
    "₸": "KZT",
    "₾": "GEL",
    "₼": "AZN",
    "֏": "AMD",
    "৳": "BDT",
    "₭": "LAK",
    "₮": "MNT",
    "₲": "PYG",
    "лв": "BGN",
    "лв.": "BGN",
    "د.إ": "AED",
    "ر.س": "SAR",
    "د.ك": "KWD",
    "ر.ق": "QAR",
    "د.ب": "BHD",
    "ر.ع.": "OMR",
    "ج.م": "EGP",
    "د.ج": "DZD",
    "د.م.": "MAD",
    "د.ت": "TND",
    "د.أ": "JOD",
    "円": "JPY",
    "元": "CNY",
    "人民币": "CNY",
    "US$": "USD",
    "A$": "AUD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "S$": "SGD",
    "R$": "BRL",
    "C$": "CAD",
    "S/": "PEN",
    "S/.": "PEN",
    "zł": "PLN",
    "Kč": "CZK",
    "Ft": "HUF",
    "Rp": "IDR",
    "RM": "MYR",
    "lei": "RON",
    "Lei": "RON",
    "Lek": "ALL",
    "Kz": "AOA",
}

# Format characters (Unicode Cf: bidi marks and isolates, zero-width spaces, soft hyphen, BOM)
# carry no value; RTL exports wrap amounts in them. Removed before anything else.
_FORMAT_CHARACTERS = (
    "\u00ad\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
)
_CLEAN = str.maketrans(dict.fromkeys(_FORMAT_CHARACTERS, None))
_NEEDS_CLEANING = frozenset(_FORMAT_CHARACTERS)


def clean(text: str) -> str:
    """`text` without format characters. Digits stay as written: only ASCII digits are read, so
    an amount in Arabic-Indic digits is an error rather than a reading nobody checked."""
    if text.isascii() or not _NEEDS_CLEANING.intersection(text):
        return text
    return text.translate(_CLEAN)


_ALONE = re.compile(rf"(?:{CURRENCY})")


def parse_currency(text: str) -> str | None:
    """A cell that is only a currency: its ISO code (`€` -> `EUR`, `руб.` -> `RUB`, `usd` ->
    `USD`), the spelling when it names no single currency (`$`, `kr`), else None. Three letters
    in one case count as a code (no ISO list is kept: `XYZ` passes). For telling a currency
    column by its content; amounts carry theirs in `ParsedAmount.currency`."""
    cleaned = clean(text).strip()
    if not cleaned or len(cleaned) > 8:
        return None
    if (
        cleaned.isascii()
        and cleaned.isalpha()
        and len(cleaned) == 3
        and (cleaned.isupper() or cleaned.islower())
    ):
        return cleaned.upper()
    if _ALONE.fullmatch(cleaned):
        return ISO_CODES.get(cleaned, cleaned)
    return None

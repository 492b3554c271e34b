"""Column mapping: header synonyms (or a profile) -> record fields; every other column -> attributes.

Headers are compared after `normalize_header` (case, accents, punctuation and whitespace
folded), so `Buchungs-Datum`, `BUCHUNGSDATUM` and `buchungsdatum ` are the same header.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from normalizer.errors import NoAmountColumnError, ProfileError
from normalizer.profiles.model import MAPPABLE_FIELDS, ColumnRef, Profile
from normalizer.structure.cells import Cell, cell_text

AmountModel = Literal["debit_credit", "signed", "side"]

#: Header synonyms per field, normalized, best first. English, German, French, Spanish, Dutch.
SYNONYMS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "posted_on": (
        "date", "posting date", "posted date", "posted on", "post date", "booking date", "txn date",
        "transaction date", "trans date", "entry date", "gl date", "accounting date", "journal date",
        "document date", "batch date", "datum", "buchungsdatum", "belegdatum", "fecha", "fecha contable",
        "fecha asiento", "fecha operacion", "date comptable", "date ecriture", "date operation",
        "ecrituredate", "boekdatum", "boekingsdatum", "transactiedatum", "value date",
    ),
    "account": (
        "account", "account number", "account no", "account code", "accountno", "account id",
        "acct", "acct no", "gl account", "gl account number", "gl code", "ledger account",
        "nominal code", "full account name", "konto", "kontonummer", "sachkonto", "cuenta",
        "numero de cuenta", "codigo cuenta", "compte", "numero de compte", "n compte", "comptenum",
        "compte general", "rekening", "grootboekrekening", "rekeningnummer", "grootboek", "p r",
    ),
    "account_name": (
        "account name", "account title", "accounttitle", "account description", "kontobezeichnung",
        "kontoname", "nombre cuenta", "nombre de la cuenta", "libelle compte", "intitule compte",
        "comptelib", "rekeningnaam", "omschrijving rekening", "debit account", "credit account",
    ),
    "description": (
        "description", "memo", "text", "buchungstext", "concepto", "libelle", "narration",
        "transaction description", "line description", "details", "particulars", "remarks",
        "remarque", "omschrijving", "descripcion", "ecriturelib", "label", "verwendungszweck",
    ),
    "reference": (
        "reference", "ref", "ref no", "reference number", "beleg", "belegfeld 1", "belegnummer",
        "belegnr", "num", "number", "no", "doc", "doc no", "document", "document number",
        "docnumber", "voucher", "voucher no", "check number", "cheque number", "referencia",
        "numero documento", "piece", "n piece", "pieceref", "referentie", "code",
    ),
    "journal": (
        "journal", "journal id", "journal number", "journal no", "transaction id", "txn id",
        "txnidx", "entry", "entry id", "entry number", "entry no", "batch", "batch no",
        "batch number", "je", "je number", "je no", "journal entry", "move", "asiento",
        "numero asiento", "n asiento", "ecriture", "ecriturenum", "n ecriture", "buchungsnummer",
        "boekingsnummer", "boekstuk",
    ),
    "debit": (
        "debit", "debits", "debit amount", "debitamount", "dr", "debe", "soll", "debet",
        "montant debit", "betrag soll", "soll betrag", "cargo", "cargos", "withdrawal",
        "withdrawals", "paid out", "money out",
    ),
    "credit": (
        "credit", "credits", "credit amount", "creditamount", "cr", "haben", "haber", "montant credit",
        "betrag haben", "haben betrag", "abono", "abonos", "deposit", "deposits", "paid in",
        "money in",
    ),
    "amount": (
        "amount", "amount num", "original amount", "value", "betrag", "umsatz", "importe", "montant",
        "bedrag", "net amount", "amount with sym",
    ),
    "side": (
        "side", "d c", "dc", "dr cr", "debit credit", "soll haben", "soll haben kennzeichen", "s h",
        "debe haber", "sens", "bij af", "af bij",
    ),
    "currency": (
        "currency", "currency code", "ccy", "cur", "curr", "wkz", "wkz umsatz", "wahrung", "waehrung",
        "commodity", "commodity currency", "moneda", "divisa", "devise", "munt",
    ),
})  # fmt: skip

#: Fields where a header may match by its first words (`Betrag EUR`, `Debit (USD)`).
_PREFIX_FIELDS = ("debit", "credit", "amount", "currency")
#: Synonyms whose columns are merged into one field, first non-empty wins.
_MERGED = frozenset({"debit account", "credit account"})
_AMOUNT_FIELDS = ("debit", "credit", "amount")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalize_header(text: str) -> str:
    """Fold case, accents, punctuation and whitespace: `Soll/Haben-Kz.` -> `soll haben kz`."""
    if text.isascii():  # NFKD and accents change nothing; casefold is lower (most cells)
        return _NON_WORD.sub(" ", text.lower()).strip()
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", ascii_text.casefold().replace("ß", "ss")).strip()


_EXACT: Mapping[str, tuple[str, int]] = MappingProxyType(
    {syn: (name, rank) for name, syns in SYNONYMS.items() for rank, syn in enumerate(syns)}
)


def match_header(text: str) -> tuple[str, int, str] | None:
    """(field, rank, synonym) of the best synonym for one header, or None. Lower rank is better."""
    key = normalize_header(text)
    if not key:
        return None
    if key in _EXACT:
        name, rank = _EXACT[key]
        return name, rank, key
    for name in _PREFIX_FIELDS:
        for rank, syn in enumerate(SYNONYMS[name]):
            if key.startswith(syn + " "):
                return name, 100 + rank, syn
    return None


def header_score(cells: Sequence[Cell]) -> int:
    """How much a row looks like a ledger header: distinct fields matched; 0 without an amount."""
    fields = {m[0] for c in cells if isinstance(c, str) and (m := match_header(c)) is not None}
    if len(fields) < 2 or not fields.intersection(_AMOUNT_FIELDS):
        return 0
    return len(fields)


def attribute_names(headers: Sequence[str]) -> tuple[str, ...]:
    """Attribute names of columns: the header; empty -> `column_{n}`; repeats -> `Name (2)`."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for position, header in enumerate(headers, start=1):
        name = header.strip() or f"column_{position}"
        count = seen.get(name, 0) + 1
        seen[name] = count
        names.append(name if count == 1 else f"{name} ({count})")
    return tuple(names)


@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnMap:
    """Which columns feed which record field, the amount model, and the attribute columns."""

    fields: Mapping[str, tuple[int, ...]]
    model: AmountModel
    names: tuple[str, ...]  # attribute-style name of every column, by index
    attributes: tuple[int, ...]  # indexes of the columns that go to attributes
    source: str  # "profile", "detected" or "profile+detected"

    def columns(self, name: str) -> tuple[int, ...]:
        return self.fields.get(name, ())

    def describe(self) -> dict[str, str | list[str]]:
        """field -> source header(s), for `detected["columns"]`."""
        out: dict[str, str | list[str]] = {}
        for name in MAPPABLE_FIELDS:
            cols = self.fields.get(name, ())
            if cols:
                out[name] = self.names[cols[0]] if len(cols) == 1 else [self.names[c] for c in cols]
        return out


def _resolve_ref(ref: ColumnRef, headers: Sequence[str], names: Sequence[str], profile: str) -> int:
    if isinstance(ref, int):
        return ref - 1
    wanted = normalize_header(ref)
    for index, header in enumerate(headers):
        if normalize_header(header) == wanted or names[index] == ref:
            return index
    raise ProfileError(f"profile {profile} names column '{ref}', which the file does not have")


def _profile_fields(
    profile: Profile | None, headers: Sequence[str], names: Sequence[str]
) -> dict[str, tuple[int, ...]]:
    if profile is None:
        return {}
    return {
        name: tuple(_resolve_ref(ref, headers, names, profile.name) for ref in refs)
        for name, refs in profile.columns.items()
    }


def _synonym_fields(
    headers: Sequence[str], taken: set[int], skip_fields: set[str]
) -> dict[str, tuple[int, ...]]:
    candidates = []
    for index, header in enumerate(headers):
        if index in taken:
            continue
        match = match_header(header)
        if match is not None and match[0] not in skip_fields:
            candidates.append((match[1], index, match[0], match[2]))
    fields: dict[str, tuple[int, ...]] = {}
    for _rank, index, name, synonym in sorted(candidates):
        current = fields.get(name)
        if current is None:
            fields[name] = (index,)
        elif synonym in _MERGED and _is_merged(headers, current):
            fields[name] = (*current, index)
    return fields


def _is_merged(headers: Sequence[str], columns: tuple[int, ...]) -> bool:
    return all(normalize_header(headers[c]) in _MERGED for c in columns)


def _amount_model(fields: dict[str, tuple[int, ...]], profile_fields: set[str]) -> AmountModel:
    has = {name for name in (*_AMOUNT_FIELDS, "side") if name in fields}
    if "debit" in has or "credit" in has:
        if "amount" in has and "amount" not in profile_fields:
            del fields["amount"]
        if "side" in has and "side" not in profile_fields:
            del fields["side"]
        return "debit_credit"
    if "amount" in has:
        return "side" if "side" in has else "signed"
    raise NoAmountColumnError(
        "no amount column found (looked for debit/credit, amount, or amount with a debit/credit flag); "
        "name the columns with a profile"
    )


def build_column_map(headers: Sequence[str], profile: Profile | None) -> ColumnMap:
    """Map columns to fields: the profile's explicit mapping first, then header synonyms.

    `headers` holds one text per column ("" for headerless files or empty header cells).
    Raises `NoAmountColumnError` when no amount model can be formed.
    """
    names = list(attribute_names(headers))
    if profile is not None:
        for position, name in profile.names.items():
            if 0 < position <= len(names):
                names[position - 1] = name
    explicit = _profile_fields(profile, headers, names)
    taken = {c for cols in explicit.values() for c in cols}
    skip = set(explicit)
    if set(explicit).intersection((*_AMOUNT_FIELDS, "side")):
        skip.update((*_AMOUNT_FIELDS, "side"))
    detected = _synonym_fields(headers, taken, skip)
    fields = {**detected, **explicit}
    model = _amount_model(fields, set(explicit))
    used = {c for cols in fields.values() for c in cols}
    source = "profile" if explicit and not detected else ("profile+detected" if explicit else "detected")
    return ColumnMap(
        fields=MappingProxyType({n: fields[n] for n in MAPPABLE_FIELDS if n in fields}),
        model=model,
        names=tuple(names),
        attributes=tuple(i for i in range(len(headers)) if i not in used),
        source=source,
    )


def header_texts(cells: Sequence[Cell], width: int) -> tuple[str, ...]:
    """The header row as texts, padded to `width` columns."""
    texts = [cell_text(c) for c in cells]
    return tuple(texts + [""] * (width - len(texts)))

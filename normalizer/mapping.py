"""Column mapping: header synonyms (or a profile) -> record fields; every other column -> attributes.

Headers are compared after `normalize_header` (case, accents, punctuation and whitespace
folded), so `Buchungs-Datum`, `BUCHUNGSDATUM` and `buchungsdatum ` are the same header.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Literal

from normalizer.errors import NoAmountColumnError, NoHeaderError, ProfileError
from normalizer.profiles.model import MAPPABLE_FIELDS, ColumnRef, Profile
from normalizer.result import Issue
from normalizer.roles.assign import assign, best, header_matches, prefer_filled_date, runner_up
from normalizer.roles.checks import demote_line_ids, disagreeing_signs, no_date_issue
from normalizer.roles.content import SAMPLE_ROWS, ColumnContent, amount_of, describe, sample_rows
from normalizer.roles.errors import AmbiguousColumnsError
from normalizer.roles.evidence import ColumnEvidence, score
from normalizer.roles.infer import infer_roles
from normalizer.roles.vocabulary import HeaderMatch, fold, match_words, vocabulary
from normalizer.structure.cells import Cell, RowLike, cell_at, cell_text

AmountModel = Literal["debit_credit", "signed", "side"]

_AMOUNT_FIELDS = ("debit", "credit", "amount")
_MONEY_ROLES = (*_AMOUNT_FIELDS, "side", "gross", "fee", "net")
#: Roles of the vocabulary that are not record fields: their columns stay attributes.
_EXTRA_ROLES = ("gross", "fee", "net", "balance")


def normalize_header(text: str) -> str:
    """Fold case, accents, punctuation and whitespace: `Soll/Haben-Kz.` -> `soll haben kz`."""
    return fold(text)


def match_header(text: str) -> tuple[str, int, str] | None:
    """(field, rank, phrase) of the vocabulary's best entry for one header, or None.

    Lower rank is better. The field may be one of the non-record roles (`gross`, `fee`, `net`,
    `balance`); see `normalizer/roles/vocabulary.toml`.
    """
    found = match_words(text)
    return None if found is None else (found.field, found.rank, found.phrase)


def header_score(cells: Sequence[Cell]) -> int:
    """How much a row looks like a ledger header: distinct fields matched; 0 without an amount."""
    fields = {
        m[0] for c in cells if isinstance(c, str) and (m := match_header(c)) is not None and m[0] != "balance"
    }
    if len(fields) < 2 or not fields.intersection((*_AMOUNT_FIELDS, "gross", "net")):
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
    evidence: tuple[ColumnEvidence, ...] = ()  # one per column when detected
    side_tokens: Mapping[str, str] = field(default_factory=dict)  # learned from the side column's values
    amount_note: str = ""  # how the amount model was chosen, for `--explain`
    issues: tuple[Issue, ...] = ()  # file-level findings (no date column, disagreeing signs)

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


def _amount_model(fields: dict[str, tuple[int, ...]], profile_fields: set[str]) -> tuple[AmountModel, str]:
    """The amount model, dropping the money columns it does not use (they become attributes).

    Debit/credit columns beat a signed amount; a gross/fee/net set (payment providers) books
    the gross, fee and net staying attributes; net/tax/gross lines without a fee book the net.
    """
    has = {name for name in (*_AMOUNT_FIELDS, "side") if name in fields}
    lone = has & {"debit", "credit"}
    if len(lone) == 1 and "amount" in has and not lone & profile_fields:
        del fields[lone.pop()]  # one side column beside a signed amount is a summary, not the model
        has = {name for name in (*_AMOUNT_FIELDS, "side") if name in fields}
    if "debit" in has or "credit" in has:
        for name in ("amount", "side"):
            if name in has and name not in profile_fields:
                del fields[name]
        return "debit_credit", "debit and credit columns"
    note = ""
    if "amount" not in has:
        if "gross" in fields and "fee" in fields:
            fields["amount"], note = fields["gross"], "the gross column (fee and net are attributes)"
        elif "net" in fields:
            fields["amount"], note = fields["net"], "the net column (gross and tax are attributes)"
        elif "gross" in fields:
            fields["amount"], note = fields["gross"], "the gross column"
    for extra in ("gross", "fee", "net"):
        fields.pop(extra, None)
    if "amount" in fields:
        if "side" in fields:
            return "side", note or "an unsigned amount with a debit/credit flag column"
        return "signed", note or "one signed amount column"
    raise NoAmountColumnError(
        "no amount column found (looked for debit/credit, amount, or amount with a debit/credit flag); "
        "name the columns with a profile"
    )


def _contents(sample: Sequence[RowLike], width: int, wanted: bool) -> list[ColumnContent | None]:
    if not wanted or not sample:
        return [None] * width
    return list(describe(sample, width))


def _learned_sides(sample: Sequence[RowLike], column: int) -> dict[str, str]:
    """Each distinct flag of the side column's sample -> its side, by the vocabulary."""
    sides = vocabulary().sides
    learned: dict[str, str] = {}
    for row in sample[:SAMPLE_ROWS]:
        text = cell_text(cell_at(row.cells, column)).strip()
        key = text.casefold()
        key = key[:-1] if len(key) > 1 and key.endswith(".") else key
        if text and key in sides:
            learned.setdefault(text, sides[key])
    return learned


def build_column_map(
    headers: Sequence[str], profile: Profile | None, *, sample: Sequence[RowLike] = ()
) -> ColumnMap:
    """Map columns to fields: the profile's explicit mapping first, then detected roles.

    `headers` holds one text per column ("" for headerless files or empty header cells);
    `sample` (the first rows below the header) lets the cells confirm or refuse what a header
    says, and gives the roles of a file with no header. Raises `NoAmountColumnError` when no
    amount model can be formed, `AmbiguousColumnsError` when two columns fit it equally.
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
        skip.update(_MONEY_ROLES)
    contents = _contents(sample, len(headers), True)
    matches = best(header_matches(headers), contents)
    detected, notes = _detect(
        headers, names, sample, contents, matches, taken=taken, skip=skip, profiled=profile is not None
    )
    fields = {**detected, **explicit}
    candidates = dict(fields)
    model, note = _amount_model(fields, set(explicit))
    issues = [*no_date_issue(fields), *_disagreements(candidates, fields, names, sample)]
    for extra in _EXTRA_ROLES:
        fields.pop(extra, None)
    used = {c for cols in fields.values() for c in cols}
    source = "profile" if explicit and not detected else ("profile+detected" if explicit else "detected")
    sides = fields.get("side", ())
    learned = _learned_sides(sample, sides[0]) if sides and model == "side" and sample else {}
    return ColumnMap(
        fields=MappingProxyType({n: fields[n] for n in MAPPABLE_FIELDS if n in fields}),
        model=model,
        names=tuple(names),
        attributes=tuple(i for i in range(len(headers)) if i not in used),
        source=source,
        evidence=_evidence(fields, names, matches, contents, notes),
        side_tokens=MappingProxyType(learned),
        amount_note=note,
        issues=tuple(issues),
    )


def _detect(
    headers: Sequence[str],
    names: Sequence[str],
    sample: Sequence[RowLike],
    contents: Sequence[ColumnContent | None],
    matches: Sequence[HeaderMatch | None],
    *,
    taken: set[int],
    skip: set[str],
    profiled: bool,
) -> tuple[dict[str, tuple[int, ...]], dict[int, str]]:
    """Roles of the columns a profile leaves open: header readings checked by content, or
    content alone for a table without a header (or whose header names no money column)."""
    if not any(h.strip() for h in headers) and not profiled and sample:
        inferred = infer_roles(sample, [c for c in contents if c is not None], names)
        return inferred.fields, inferred.notes
    detected, notes = assign(matches, headers, contents, taken, skip)
    if not profiled and sample and not set(detected).intersection(_MONEY_ROLES):
        detected, notes = _with_content_roles(detected, notes, sample, contents, names)
    prefer_filled_date(detected, matches, contents, notes)
    _refuse_close_amounts(detected, matches, contents, names, sample)
    whole = 0 < len(sample) < sample_rows(len(headers))  # the sample is the whole table
    demote_line_ids(detected, contents, notes, whole=whole)
    return detected, notes


def _disagreements(
    candidates: Mapping[str, tuple[int, ...]],
    fields: Mapping[str, tuple[int, ...]],
    names: Sequence[str],
    sample: Sequence[RowLike],
) -> list[Issue]:
    """Signed-amount or side columns the debit/credit model left out, checked against it."""
    if not sample or not (fields.get("debit") and fields.get("credit")):
        return []
    debit, credit = fields["debit"][0], fields["credit"][0]
    out: list[Issue] = []
    for name, kind in (("amount", "signed amount"), ("side", "side")):
        dropped = candidates.get(name, ())
        if dropped and name not in fields:
            out.extend(
                disagreeing_signs(
                    sample,
                    debit=debit,
                    credit=credit,
                    other=dropped[0],
                    other_name=names[dropped[0]],
                    kind=kind,
                )
            )
    return out


def _with_content_roles(
    detected: dict[str, tuple[int, ...]],
    notes: dict[int, str],
    sample: Sequence[RowLike],
    contents: Sequence[ColumnContent | None],
    names: Sequence[str],
) -> tuple[dict[str, tuple[int, ...]], dict[int, str]]:
    """Headers that name no money column: the content decides the date and the money columns;
    what the headers did name is kept where it does not take one of those columns."""
    try:
        inferred = infer_roles(sample, [c for c in contents if c is not None], names)
    except NoHeaderError:
        # The header was read; what is missing is money: say which columns were found instead.
        found = ", ".join(n for n in names if n.strip()) or "no named columns"
        raise NoAmountColumnError(
            f"no amount column (found {found}); name one with a profile:"
            " see `ledgerstore normalize FILE --explain`"
        ) from None
    money = {c for name, cols in inferred.fields.items() if name != "description" for c in cols}
    kept = {n: cols for n, cols in detected.items() if not money.intersection(cols)}
    merged = {**{n: c for n, c in inferred.fields.items() if n not in kept}, **kept}
    return merged, {**notes, **inferred.notes}


def _refuse_close_amounts(
    fields: dict[str, tuple[int, ...]],
    matches: Sequence[HeaderMatch | None],
    contents: Sequence[ColumnContent | None],
    names: Sequence[str],
    sample: Sequence[RowLike],
) -> None:
    """Unsure is an error: two columns fit the amount equally and their sample totals differ."""
    if "amount" not in fields or "debit" in fields or "credit" in fields or not sample:
        return
    chosen = fields["amount"][0]
    other = runner_up(matches, contents, "amount", chosen)
    if other is None or _sample_total(sample, chosen) == _sample_total(sample, other):
        return
    raise AmbiguousColumnsError(
        f"two columns read as the amount and give different totals: '{names[chosen]}' and "
        f"'{names[other]}'; say which with a profile: [columns] amount = \"{names[chosen]}\""
    )


def _sample_total(sample: Sequence[RowLike], column: int) -> Decimal:
    return sum(
        (a for row in sample[:SAMPLE_ROWS] if (a := amount_of(cell_at(row.cells, column))) is not None),
        Decimal(0),
    )


def _evidence(
    fields: Mapping[str, tuple[int, ...]],
    names: Sequence[str],
    matches: Sequence[HeaderMatch | None],
    contents: Sequence[ColumnContent | None],
    notes: Mapping[int, str],
) -> tuple[ColumnEvidence, ...]:
    role_of = {c: name for name, cols in fields.items() for c in cols}
    out = []
    for index, name in enumerate(names):
        role = role_of.get(index)
        match = matches[index] if index < len(matches) else None
        content = contents[index] if index < len(contents) else None
        note = notes.get(index, "")
        if not note and role is None and match is not None:
            chosen = fields.get(match.field, ())
            note = (
                f"{match.field} is read from '{names[chosen[0]]}'"
                if chosen
                else f"{match.field} is not used by this table's amount model"
                if match.field in _MONEY_ROLES
                else ""
            )
        reading = match.field if match is not None else None
        agrees = (
            match if reading in (role or reading, *(("gross", "net") if role == "amount" else ())) else None
        )
        value = score(agrees, role or (match.field if match else ""), content)
        out.append(
            ColumnEvidence(
                column=index,
                name=name,
                role=role,
                header=match,
                content=content,
                score=value if value or role is None else 0.5,  # free text chosen by its length
                note=note,
            )
        )
    return tuple(out)


def header_texts(cells: Sequence[Cell], width: int) -> tuple[str, ...]:
    """The header row as texts, padded to `width` columns."""
    texts = [cell_text(c) for c in cells]
    return tuple(texts + [""] * (width - len(texts)))

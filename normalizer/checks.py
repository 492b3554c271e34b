"""Checks over the records: journal balance per currency, file control totals, fiscal-year range,
and the file-level notes on undecided column-wide readings (date order, decimal mark).

Results are data (`CheckResult`); where a row is at fault an `Issue` names it as well. The
columnar path (`normalizer.fast`) runs the same checks over columns (`columnar_record_checks`),
with the same results; pyarrow is imported only there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from normalizer.bulk import collector_paused
from normalizer.issue_columns import IssueBlock
from normalizer.mapping import ColumnMap
from normalizer.profiles.model import Control
from normalizer.record import Record
from normalizer.result import CheckResult, Detected, Issue, Severity, trusted_issue
from normalizer.structure.typed import ControlSpan

if TYPE_CHECKING:
    from normalizer.fast.records import ColumnRecords

_ZERO = Decimal(0)


def _text(value: Decimal) -> str:
    return format(value, "f")


def journal_balance(records: Sequence[Record]) -> tuple[CheckResult | None, list[Issue]]:
    """Debits equal credits in every journal, per currency. None when no record has a journal."""
    sums: dict[tuple[str, str], list[Decimal]] = {}
    first_row: dict[str, int] = {}
    for record in records:
        if not record.journal:
            continue
        first_row.setdefault(record.journal, record.row_number)
        totals = sums.setdefault((record.journal, record.currency), [_ZERO, _ZERO])
        totals[0] += record.debit
        totals[1] += record.credit
    if not sums:
        return None, []
    unbalanced = []
    issues = []
    for (journal, currency), (debit, credit) in sums.items():
        if debit == credit:
            continue
        difference = debit - credit
        unbalanced.append(
            {"journal": journal, "currency": currency, "debit": _text(debit), "credit": _text(credit),
             "difference": _text(difference)}
        )  # fmt: skip
        issues.append(
            Issue(
                row=first_row[journal],
                column=None,
                raw=journal,
                message=f"journal {journal} is unbalanced by {_text(difference)} {currency}".rstrip()
                + f" (debits {_text(debit)}, credits {_text(credit)})",
                severity="warning",
                code="unbalanced-journal",
            )
        )
    return _balance_check(len(first_row), unbalanced), issues


def _balance_check(journals: int, unbalanced: list[dict[str, str]]) -> CheckResult:
    message = (
        f"all {journals} journals balance"
        if not unbalanced
        else f"{len(unbalanced)} of {journals} journals do not balance: "
        + ", ".join(f"{u['journal']} by {u['difference']}" for u in unbalanced[:10])
    )
    details = {"journals": journals, "unbalanced": unbalanced}
    return CheckResult(name="journal_balance", passed=not unbalanced, message=message, details=details)


def fiscal_year_range(records: Sequence[Record], fiscal_year: int) -> tuple[CheckResult, list[Issue]]:
    """Every dated record falls in `fiscal_year` (calendar year)."""
    outside = [r for r in records if r.posted_on is not None and r.posted_on.year != fiscal_year]
    return fiscal_year_result(
        [r.row_number for r in outside], [r.posted_on for r in outside if r.posted_on], fiscal_year
    )


def fiscal_year_result(
    rows: Sequence[int], dates: Sequence[dt.date], fiscal_year: int
) -> tuple[CheckResult, list[Issue]]:
    """The fiscal-year check and one issue per record dated outside the year (`rows`, `dates`).

    A file may have every one of its rows outside the year: each distinct date's text is made
    once and the issues are built without the frozen dataclass's per-field guard.
    """
    texts: dict[dt.date, tuple[str, str]] = {}
    for day in dates:
        if day not in texts:
            texts[day] = _outside_texts(day, fiscal_year)
    with collector_paused():
        issues = [
            trusted_issue(row, "posted_on", *texts[day], *_OUTSIDE)
            for row, day in zip(rows, dates, strict=True)
        ]
    return fiscal_year_check(len(issues), fiscal_year), issues


#: The severity and code of a record dated outside the fiscal year.
_OUTSIDE: tuple[Severity, str] = ("warning", "outside-fiscal-year")


def _outside_texts(day: dt.date, fiscal_year: int) -> tuple[str, str]:
    """The raw value and message of the issue of a record dated `day`, outside `fiscal_year`."""
    iso = day.isoformat()
    return iso, f"dated {iso}, outside fiscal year {fiscal_year}"


def fiscal_year_check(outside: int, fiscal_year: int) -> CheckResult:
    """The fiscal-year check of a file with `outside` records dated outside the year."""
    passed = not outside
    message = f"all records fall in {fiscal_year}"
    if not passed:
        message = f"{outside} records fall outside {fiscal_year}"
    return CheckResult(
        name="fiscal_year",
        passed=passed,
        message=message,
        details={"fiscal_year": fiscal_year, "outside": outside},
    )


AmountParser = Callable[[str], Decimal | None]
SideParser = Callable[[str], str | None]


def control_totals(
    records: Sequence[Record],
    spans: Sequence[ControlSpan],
    control: Control,
    *,
    amount: AmountParser,
    side: SideParser,
) -> tuple[list[CheckResult], list[Issue]]:
    """Compare each control record's counts, totals and closing balance with the records it covers."""
    results = []
    issues = []
    for span in spans:
        covered = [r for r in records if span.first_row <= r.row_number < span.control_row]
        actual = _actual(covered)
        stated = _stated(span, control, amount=amount, side=side)
        figures = {}
        for key, value in stated.items():
            if key == "opening_balance":
                continue
            expected = actual.get(key)
            if key == "closing_balance" and "opening_balance" in stated:
                expected = stated["opening_balance"] + actual["credit_total"] - actual["debit_total"]
            if expected is None:
                continue
            figures[key] = {"stated": _text(value), "computed": _text(expected), "passed": value == expected}
            if value != expected:
                issues.append(
                    Issue(
                        row=span.control_row,
                        column=key,
                        raw=_text(value),
                        message=f"the control record states {key.replace('_', ' ')} {_text(value)}, "
                        f"the records give {_text(expected)}",
                        severity="warning",
                        code="control-mismatch",
                    )
                )
        if not figures:
            continue  # the control record states nothing to compare: no check, not a pass
        passed = all(f["passed"] for f in figures.values())
        message = (
            "control totals agree with the records" if passed else "control totals disagree with the records"
        )
        results.append(
            CheckResult(
                name="control_totals",
                passed=passed,
                message=message,
                details={"row": span.control_row, "figures": figures},
            )
        )
    return results, issues


def _actual(records: Sequence[Record]) -> dict[str, Decimal]:
    debits = [r.debit for r in records if r.debit]
    credits = [r.credit for r in records if r.credit]
    return {
        "debit_count": Decimal(len(debits)),
        "debit_total": sum(debits, _ZERO),
        "credit_count": Decimal(len(credits)),
        "credit_total": sum(credits, _ZERO),
    }


def _stated(
    span: ControlSpan, control: Control, *, amount: AmountParser, side: SideParser
) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    sources: Mapping[str, tuple[Mapping[str, str], str | None, str | None]] = {
        "debit_count": (span.control, control.debit_count, None),
        "credit_count": (span.control, control.credit_count, None),
        "debit_total": (span.control, control.debit_total, None),
        "credit_total": (span.control, control.credit_total, None),
        "closing_balance": (span.control, control.closing_balance, control.closing_side),
        "opening_balance": (span.opening, control.opening_balance, control.opening_side),
    }
    for key, (values, field, side_field) in sources.items():
        if field is None or not values.get(field):
            continue
        raw = values[field]
        value = Decimal(int(raw)) if key.endswith("_count") and raw.isdigit() else amount(raw)
        if value is None:
            continue
        if side_field is not None and side(values.get(side_field, "")) == "debit":
            value = -value
        out[key] = value
    return out


def run_record_checks(
    records: Sequence[Record],
    spans: Sequence[ControlSpan],
    control: Control | None,
    *,
    decimal_mark: str | None,
    amount_scale: int,
    side_tokens: Mapping[str, str] | None,
    fiscal_year: int | None,
) -> tuple[list[CheckResult], list[Issue]]:
    """All checks that look at the finished records: journals, control records, fiscal year."""
    from normalizer.values.amounts import parse_amount
    from normalizer.values.sides import parse_side

    def amount(raw: str) -> Decimal | None:
        value = parse_amount(raw, decimal_mark=decimal_mark).value
        return value.scaleb(amount_scale) if value is not None and amount_scale else value

    def side(raw: str) -> str | None:
        return parse_side(raw, side_tokens or None)

    checks: list[CheckResult] = []
    issues: list[Issue] = []
    check, found = journal_balance(records)
    if check is not None:
        checks.append(check)
        issues.extend(found)
    if control is not None and spans:
        results, found = control_totals(records, spans, control, amount=amount, side=side)
        checks.extend(results)
        issues.extend(found)
    if fiscal_year is not None:
        check, found = fiscal_year_range(records, fiscal_year)
        checks.append(check)
        issues.extend(found)
    return checks, issues


def undecided_notes(detected: dict[str, Detected], columns: ColumnMap) -> list[Issue]:
    """File-level notes when the whole column could not settle the date order or decimal mark."""
    notes = []
    order = detected.get("date_order")
    if order is not None and order.source == "detected" and order.value is not None and order.confidence < 1:
        notes.append(
            Issue(
                row=None,
                column=columns.names[columns.columns("posted_on")[0]],
                raw=None,
                message=f"the date order is ambiguous (no day above 12 in the column); read as "
                f"{order.value}. Give the date order with a profile if that is wrong",
                severity="warning",
                code="ambiguous-date-order",
            )
        )
    mark = detected.get("decimal_mark")
    if mark is not None and mark.source == "detected" and mark.value is None and mark.confidence < 1:
        notes.append(
            Issue(
                row=None,
                column=None,
                raw=None,
                message="the decimal mark could not be decided from the amounts; values that read two ways "
                "are reported. Give the decimal mark with a profile",
                severity="warning",
                code="ambiguous-decimal-mark",
            )
        )
    return notes


def columnar_record_checks(
    records: ColumnRecords, fiscal_year: int | None
) -> tuple[list[CheckResult], list[Issue | IssueBlock]]:
    """`run_record_checks` over columns (no control records): the same results, far fewer objects.

    The records dated outside the fiscal year are one `IssueBlock` (see `ordered_issues`).
    """
    checks: list[CheckResult] = []
    issues: list[Issue | IssueBlock] = []
    check, found = _columnar_journal_balance(records)
    if check is not None:
        checks.append(check)
        issues.extend(found)
    if fiscal_year is not None:
        check, block = _columnar_fiscal_year(records, fiscal_year)
        checks.append(check)
        if block is not None:
            issues.append(block)
    return checks, issues


def _columnar_journal_balance(records: ColumnRecords) -> tuple[CheckResult | None, list[Issue]]:
    """All journals balance: the same result as `journal_balance`; else it is asked for the details.

    Grouped in numpy over dictionary codes: pyarrow's `group_by` loads Acero and its dataset
    module (and pandas with them), half a second of every ingest's start-up.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from normalizer.fast.arrow import EMPTY, array, numbers

    journal = records.column("journal")
    currency = records.column("currency")
    net = pc.subtract(records.debit.units, records.credit.units)
    by_currency = pc.count_distinct(currency).as_py() > 1
    largest = max(pc.max(records.debit.units).as_py() or 0, pc.max(records.credit.units).as_py() or 0)
    if largest * len(records) >= 2**63:
        return journal_balance(records)  # sums could overflow int64: take the exact general check
    blank = pc.equal(journal, EMPTY)
    if pc.any(blank).as_py():
        kept = pc.invert(blank)
        journal, currency, net = (pc.filter(column, kept) for column in (journal, currency, net))
    if len(journal) == 0:
        return None, []
    journals = pc.dictionary_encode(journal)
    group = _codes(journals.indices)
    width = 1
    if by_currency:
        currencies = pc.dictionary_encode(currency)
        width = len(currencies.dictionary)
        group = group * width + _codes(currencies.indices)
    order = np.argsort(group, kind="stable")
    grouped = group[order]
    starts = np.flatnonzero(np.concatenate(([True], grouped[1:] != grouped[:-1])))
    sums = np.add.reduceat(np.asarray(numbers(net), dtype=np.int64)[order], starts)
    off = sums != 0
    if not off.any():
        return _balance_check(len(journals.dictionary), []), []
    # the general check names each unbalanced journal, from all the records of those journals
    # only (in source order, so in the same order): every other journal balances
    named = journals.dictionary.take(array(np.unique(grouped[starts][off] // width), pa.int64()))
    everything = records.column("journal")
    check, issues = journal_balance(records.take(pc.indices_nonzero(pc.is_in(everything, value_set=named))))
    assert check is not None
    return _balance_check(len(journals.dictionary), check.details["unbalanced"]), issues


def _codes(indices: Any) -> Any:
    """Dictionary indices as a numpy int64 array."""
    import numpy as np

    from normalizer.fast.arrow import numbers

    return np.asarray(numbers(indices), dtype=np.int64)


def _columnar_fiscal_year(records: ColumnRecords, fiscal_year: int) -> tuple[CheckResult, IssueBlock | None]:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from normalizer.fast.arrow import integer, numbers, scalar

    dates = records.column("posted_on")
    outside = pc.fill_null(pc.not_equal(pc.year(dates), integer(fiscal_year)), scalar(False, pa.bool_()))
    if not pc.any(outside).as_py():
        return fiscal_year_check(0, fiscal_year), None
    rows = numbers(pc.filter(records.column("row_number"), outside)).astype(np.int64)
    # each distinct date's texts are made once; a row holds the index of its date's
    kept = pc.filter(dates, outside)
    if isinstance(kept, pa.ChunkedArray):  # one dictionary for all the rows
        kept = kept.combine_chunks()
    encoded = pc.dictionary_encode(kept)
    texts = [_outside_texts(day, fiscal_year) for day in encoded.dictionary.to_pylist()]
    keys = numbers(encoded.indices).astype(np.int64)
    block = IssueBlock(rows, keys, texts, "posted_on", *_OUTSIDE)
    return fiscal_year_check(len(block), fiscal_year), block

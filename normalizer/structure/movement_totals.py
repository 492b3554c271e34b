"""The control record's total of all amounts (debits and credits alike) against the records.

Some standards state one unsigned control total per account rather than separate debit and
credit totals: BAI2's account trailer (49) sums every amount of the account's records, the
account summary amounts of its 03 record included. The profile names the control field
(`control.movement_total`) and, when the total includes amounts of the opening record, the
field of that record holding their sum (`control.movement_total_less`, an `amount_sum` field).
A figure that does not read as a number is an issue, never a silent pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from normalizer.profiles.model import Control
from normalizer.record import Record
from normalizer.result import CheckResult, Issue
from normalizer.structure.typed import ControlSpan

_ZERO = Decimal(0)


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def movement_total_checks(
    records: Sequence[Record], spans: Sequence[ControlSpan], control: Control | None
) -> tuple[list[CheckResult], list[Issue]]:
    """One `movement_total` check per control record, and an issue where a figure disagrees."""
    if control is None or control.movement_total is None:
        return [], []
    results: list[CheckResult] = []
    issues: list[Issue] = []
    for span in spans:
        covered = [r for r in records if span.first_row <= r.row_number < span.control_row]
        computed = sum((r.debit + r.credit for r in covered), _ZERO)
        raw = span.control.get(control.movement_total, "")
        stated = _number(raw)
        less = _ZERO
        if control.movement_total_less is not None:
            less_raw = span.opening.get(control.movement_total_less, "")
            less_value = _number(less_raw) if less_raw.strip() else _ZERO
            stated = None if stated is None or less_value is None else stated - less_value
            less = less_value or _ZERO
        passed = stated is not None and stated == computed
        if not passed:
            issues.append(_issue(span, control.movement_total, raw, stated, computed))
        results.append(
            CheckResult(
                name="movement_total",
                passed=passed,
                message="the control total agrees with the records"
                if passed
                else "the control total disagrees with the records",
                details={
                    "row": span.control_row,
                    "stated": raw.strip(),
                    "opening_amounts": format(less, "f"),
                    "computed": format(computed, "f"),
                },
            )
        )
    return results, issues


def _issue(span: ControlSpan, column: str, raw: str, stated: Decimal | None, computed: Decimal) -> Issue:
    if stated is None:
        message = f"the control record's total {raw.strip()!r} is not a number; it could not be checked"
    else:
        message = (
            f"the control record states a total of {format(stated, 'f')} for the movements "
            f"(after the summary amounts it includes), the records give {format(computed, 'f')}"
        )
    return Issue(
        row=span.control_row, column=column, raw=raw.strip(), message=message, severity="warning",
        code="control-mismatch",
    )  # fmt: skip

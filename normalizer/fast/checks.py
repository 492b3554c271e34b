"""The record checks of `normalizer.checks`, computed over columns with the same results."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from normalizer.checks import fiscal_year_range, journal_balance
from normalizer.fast.records import ColumnRecords
from normalizer.result import CheckResult, Issue


def record_checks(records: ColumnRecords, fiscal_year: int | None) -> tuple[list[CheckResult], list[Issue]]:
    """Journal balance, then the fiscal-year range (as `run_record_checks` without control records)."""
    checks: list[CheckResult] = []
    issues: list[Issue] = []
    check, found = _journal_balance(records)
    if check is not None:
        checks.append(check)
        issues.extend(found)
    if fiscal_year is not None:
        check, found = _fiscal_year(records, fiscal_year)
        checks.append(check)
        issues.extend(found)
    return checks, issues


def _journal_balance(records: ColumnRecords) -> tuple[CheckResult | None, list[Issue]]:
    """All journals balance: the same result as `journal_balance`; else it is asked for the details."""
    journal = records.column("journal")
    currency = records.column("currency")
    columns = {"journal": journal, "net": pc.subtract(records.debit.units, records.credit.units)}
    keys = ["journal"]
    if pc.count_distinct(currency).as_py() > 1:
        columns["currency"] = currency
        keys.append("currency")
    largest = max(pc.max(records.debit.units).as_py() or 0, pc.max(records.credit.units).as_py() or 0)
    if largest * len(records) >= 2**63:
        return journal_balance(records)  # sums could overflow int64: take the exact general check
    table = pa.table(columns)
    blank = pc.equal(journal, "")
    if pc.any(blank).as_py():
        table = table.filter(pc.invert(blank))
    if table.num_rows == 0:
        return None, []
    sums = table.group_by(keys).aggregate([("net", "sum")])
    if pc.any(pc.not_equal(sums.column("net_sum"), 0)).as_py():
        return journal_balance(records)  # rare: let the general check name each journal
    journals = sums.num_rows if len(keys) == 1 else pc.count_distinct(table.column("journal")).as_py()
    return CheckResult(
        name="journal_balance",
        passed=True,
        message=f"all {journals} journals balance",
        details={"journals": journals, "unbalanced": []},
    ), []


def _fiscal_year(records: ColumnRecords, fiscal_year: int) -> tuple[CheckResult, list[Issue]]:
    dates = records.column("posted_on")
    outside = pc.fill_null(pc.not_equal(pc.year(dates), fiscal_year), False)
    if not pc.any(outside).as_py():
        return fiscal_year_range((), fiscal_year)
    positions = pc.indices_nonzero(outside).to_pylist()
    if len(positions) > 1000:
        return fiscal_year_range(records, fiscal_year)
    return fiscal_year_range([records[i] for i in positions], fiscal_year)

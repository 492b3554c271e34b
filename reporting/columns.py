"""Reports on Arrow columns, for record sets that read them cheaply (a cold ledger's artifact).

A served `RecordSet` says so with `columnar` and gives the columns with `to_arrow(columns)`,
checked like its records (count, totals, records sha256) before they are returned. Reports
that use it compute exactly what their record loop computes, to the same Decimal (value and
exponent), so the rendered bytes do not depend on the path; anything else iterates records.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from normalizer.record import Record
from reporting.selection import DateRange

if TYPE_CHECKING:
    import pyarrow as pa

#: Per (account, currency): [debit, credit, account name] (as `trial_balance.Balances`).
Balances = dict[tuple[str, str], list[Decimal | str]]


def arrow_columns(records: Iterable[Record], names: Sequence[str]) -> pa.Table | None:
    """The records' columns `names`, when the set reads columns without building records; else None."""
    if not getattr(records, "columnar", False):
        return None
    table: pa.Table = records.to_arrow(list(names))  # type: ignore[attr-defined]
    return table


#: The columns a trial balance reads.
BALANCE_COLUMNS = ("posted_on", "account", "account_name", "currency", "debit", "credit")


def accumulate_columns(table: pa.Table, dates: DateRange) -> tuple[Balances, int]:
    """`trial_balance.accumulate` on columns: sums per (account, currency) and the record count.

    The name is the first non-empty one in row order (grouped without threads, so in order).
    Sums are exact (the columns are wide enough for any sum of theirs) and carry the exponent
    the record loop's Decimal sums would: that of the amount with most decimals in the group.
    """
    import pyarrow.compute as pc

    count = table.num_rows
    if dates.bounded:
        table = table.filter(_in_range(table.column("posted_on"), dates))
    keys = ["account", "currency"]
    aggregations: list[tuple[str, str]] = [("debit", "sum"), ("credit", "sum")]
    scale = table.schema.field("debit").type.scale
    if scale > 2:  # some amounts have more decimals: find each group's largest, per column
        for name in ("debit", "credit"):
            table = table.append_column(f"{name}_decimals", _decimals(table.column(name)))
            aggregations.append((f"{name}_decimals", "max"))
    sums = table.group_by(keys, use_threads=False).aggregate(aggregations).to_pylist()
    named = table.filter(pc.not_equal(table.column("account_name"), ""))
    firsts = named.group_by(keys, use_threads=False).aggregate([("account_name", "first")])
    names = {(row["account"], row["currency"]): row["account_name_first"] for row in firsts.to_pylist()}
    balances: Balances = {}
    for row in sums:
        key = (row["account"], row["currency"])
        debit, credit = row["debit_sum"], row["credit_sum"]
        if scale > 2:  # exact: a sum has no more decimals than its amounts
            debit = debit.quantize(Decimal(1).scaleb(-max(2, row["debit_decimals_max"])))
            credit = credit.quantize(Decimal(1).scaleb(-max(2, row["credit_decimals_max"])))
        balances[key] = [debit, credit, names.get(key, "")]
    return balances, count


def _in_range(days: Any, dates: DateRange) -> Any:
    import pyarrow.compute as pc

    keep = None
    if dates.start is not None:
        keep = pc.greater_equal(days, dates.start)
    if dates.end is not None:
        before = pc.less_equal(days, dates.end)
        keep = before if keep is None else pc.and_(keep, before)
    return keep  # null (no posting date) is dropped by the filter, as the record loop skips it


def _decimals(amounts: Any) -> Any:
    """Per row, the number of decimals of the amount in canonical form (trailing zeros dropped)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.utf8_rtrim(amounts.cast(pa.string()), characters="0")
    return pc.subtract(pc.utf8_length(text), pc.add(pc.find_substring(text, "."), 1))

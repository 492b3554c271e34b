"""Run a report on ledger files by id, fetched from whichever tier serves them."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import ExitStack
from typing import TYPE_CHECKING

from reporting.catalog import ReportParams, report_spec
from reporting.table import Table

if TYPE_CHECKING:
    from ledgerstore import LedgerStore, Tier

log = logging.getLogger(__name__)


def run_report(
    store: LedgerStore,
    name: str,
    ledger_ids: Sequence[int],
    params: ReportParams | None = None,
) -> tuple[Table, tuple[Tier, ...]]:
    """Run report `name` on the ledger files `ledger_ids` (two for `compare`: old, then new).

    Returns the table and the tier that served each ledger (logged too; never in the table,
    whose rendered bytes are the same whichever tier served the records). Parameters are
    checked before any record is fetched.
    """
    spec = report_spec(name)
    params = params or ReportParams()
    spec.check(len(ledger_ids), params)
    with ExitStack() as stack:
        record_sets = [stack.enter_context(store.records(ledger_id)) for ledger_id in ledger_ids]
        tiers = tuple(records.tier for records in record_sets)
        for ledger_id, tier in zip(ledger_ids, tiers, strict=True):
            log.info(
                "report %s: ledger file %s served %s",
                name,
                ledger_id,
                tier,
                extra={"ledger_file_id": ledger_id, "tier": tier},
            )
        table = spec.run(record_sets, params)
    return table, tiers

"""Run a report on ledger files by id, fetched from whichever tier serves them."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import ExitStack
from typing import TYPE_CHECKING

from ledgerstore import RecordsIntegrityError
from reporting.catalog import ReportParams, ReportSpec, report_spec
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

    Hot rows are checked against their recorded records sha256 as the report reads them; if
    they do not match, the table is thrown away (nothing was returned or rendered yet) and the
    report runs once more: the retriever then serves that ledger from its verified artifact.
    """
    spec = report_spec(name)
    params = params or ReportParams()
    spec.check(len(ledger_ids), params)
    try:
        return _run_once(store, name, spec, ledger_ids, params)
    except RecordsIntegrityError as exc:
        log.warning("report %s: %s; running it again from the verified tiers", name, exc.message)
        return _run_once(store, name, spec, ledger_ids, params)


def _run_once(
    store: LedgerStore, name: str, spec: ReportSpec, ledger_ids: Sequence[int], params: ReportParams
) -> tuple[Table, tuple[Tier, ...]]:
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

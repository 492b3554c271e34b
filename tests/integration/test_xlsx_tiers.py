"""XLSX reports split over several sheets: the same bytes from the hot, cold and reprocessed tiers."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]

import reporting
from ledgerstore import LedgerStore
from reporting.renderers.xlsx_format import render_xlsx
from tests.integration.test_pipeline import _flip_a_byte


def _gl_detail(store: LedgerStore, ledger_id: int, tier: str) -> bytes:
    table, tiers = reporting.run_report(store, "gl-detail", [ledger_id])
    assert tiers == (tier,)
    return render_xlsx(table, max_sheet_rows=3)


def test_a_split_gl_detail_is_byte_identical_from_every_tier(
    store: LedgerStore, ledger_fixture: Path
) -> None:
    v1 = store.ingest(ledger_fixture / "acme-2025-v1.csv", account="ACME", fiscal_year=2025).ledger
    hot = _gl_detail(store, v1.id, "hot")
    store.ingest(ledger_fixture / "acme-2025-v2.csv", account="ACME", fiscal_year=2025)
    cold = _gl_detail(store, v1.id, "cold")
    assert v1.artifact_key is not None
    _flip_a_byte(store, v1.artifact_key)
    reprocessed = _gl_detail(store, v1.id, "reprocessed")
    assert hot == cold == reprocessed
    workbook = openpyxl.load_workbook(io.BytesIO(hot))
    assert workbook.sheetnames[:2] == ["Detail", "Detail (2)"] and workbook.sheetnames[-1] == "Provenance"
    provenance = {row[0]: row[1] for row in workbook["Provenance"].iter_rows(min_row=2, values_only=True)}
    assert provenance["sheet.Detail"].startswith("detail rows 1-2 of ")
    assert provenance["ledger_file_id"] == v1.id

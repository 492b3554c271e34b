"""Reports on any ledger file: pure functions from records to a `Table`, and renderers.

    >>> import reporting
    >>> with store.records(ledger_id) as records:          # hot, cold or reprocessed
    ...     table = reporting.trial_balance(records, date_to="2025-06-30")
    >>> xlsx = reporting.render(table, "xlsx")              # same bytes from any tier

or by name, as the CLI does: `table, tiers = reporting.run_report(store, "gl-detail", [7])`.
See docs/reports.md.
"""

from reporting.catalog import REPORTS, ReportParams, ReportSpec, report_spec
from reporting.compare import compare
from reporting.cost_mapping import Category, CostMapping
from reporting.cost_summary import cost_summary
from reporting.errors import MappingFileError, ReportError, ReportParameterError
from reporting.gl_detail import gl_detail
from reporting.journal_check import journal_check
from reporting.period_summary import period_summary
from reporting.provenance import Provenance, Source
from reporting.renderers import FORMATS, Format, render
from reporting.run import run_report
from reporting.selection import AccountFilter
from reporting.table import Column, Section, Table
from reporting.trial_balance import trial_balance

__all__ = [
    "FORMATS",
    "REPORTS",
    "AccountFilter",
    "Category",
    "Column",
    "CostMapping",
    "Format",
    "MappingFileError",
    "Provenance",
    "ReportError",
    "ReportParameterError",
    "ReportParams",
    "ReportSpec",
    "Section",
    "Source",
    "Table",
    "compare",
    "cost_summary",
    "gl_detail",
    "journal_check",
    "period_summary",
    "render",
    "report_spec",
    "run_report",
    "trial_balance",
]

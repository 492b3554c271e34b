"""A small hand-built ledger whose every report figure is worked out by hand in the tests.

Journal J4 is unbalanced by 10.00 USD; J6 is in EUR and carries formula-injection text in an
account name and a description.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from normalizer.record import Record
from reporting import Source

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "reports"

HYPERLINK = '=HYPERLINK("http://x.test","click")'
CALC = "+cmd|' /C calc'!A0"

SOURCE = Source(ledger_file_id=1, account="ACME", fiscal_year=2025, normalizer_version="1.0.0")


def line(
    row: int,
    day: str | None,
    journal: str,
    account: str,
    name: str,
    debit: str = "0",
    credit: str = "0",
    *,
    currency: str = "USD",
    description: str = "",
    reference: str = "",
) -> Record:
    return Record(
        ledger_file_id=1,
        row_number=row,
        posted_on=dt.date.fromisoformat(day) if day else None,
        account=account,
        account_name=name,
        description=description,
        reference=reference,
        journal=journal,
        debit=Decimal(debit),
        credit=Decimal(credit),
        currency=currency,
    )


def ledger() -> list[Record]:
    return [
        line(2, "2025-01-15", "J1", "4000", "Sales", credit="1234.56", description="Invoice 1001"),
        line(3, "2025-01-15", "J1", "1200", "Bank", debit="1234.56", description="Invoice 1001"),
        line(4, "2025-02-01", "J2", "6000", "Rent", debit="500.00", description="Rent February"),
        line(5, "2025-02-01", "J2", "1200", "Bank", credit="500.00", description="Rent February"),
        line(6, "2025-02-14", "J3", "6100", "Office supplies", debit="89.90", description="Paper"),
        line(7, "2025-02-14", "J3", "2000", "Accounts payable", credit="89.90", description="Paper"),
        line(8, "2025-03-03", "J4", "6150", "Travel", debit="250.00", description="Train"),
        line(9, "2025-03-03", "J4", "1200", "Bank", credit="240.00", description="Train"),
        line(10, "2025-03-20", "J5", "6900", "Entertainment", debit="75.25", description="Dinner"),
        line(11, "2025-03-20", "J5", "1200", "Bank", credit="75.25", description="Dinner"),
        line(12, "2025-03-31", "J6", "1210", HYPERLINK, debit="100.00", currency="EUR", description=CALC),
        line(13, "2025-03-31", "J6", "4000", "Sales", credit="100.00", currency="EUR", description="-1+1"),
    ]


def d(text: str) -> Decimal:
    return Decimal(text)

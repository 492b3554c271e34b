"""A second, independent generator of the benchmark workload (never imported by the product).

    python -m bench.generate_independent --rows 1000000 --out bench/data/gl_1m_b.csv [--year 2024]

Written from the workload's description in `shared/docs/performance.md` alone, not from
`bench/generate.py`, so that a benchmark tuned on one generator's quirks is checked on another's:
Date (MM/DD/YYYY), Journal ID, Account Number, Account Name, Description (free text, sometimes
with commas and quotes), Reference, Debit, Credit (`"1,234.56"`, blank when zero), Department,
Vendor; journals of 2–6 lines that balance. Seeded: the same arguments give the same bytes.
Choices that differ on purpose from the first generator: the year (2024 by default), journal
ids (`GJ-000123`), a chart of accounts with five-digit numbers, amounts drawn log-uniformly
from 0.01 to 2,500,000.00, descriptions built from words with embedded quotes and commas,
CRLF line ends (what Excel and most ERPs write) and a UTF-8 BOM.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import itertools
import math
import random
from collections.abc import Iterator
from pathlib import Path

HEADER = [
    "Date",
    "Journal ID",
    "Account Number",
    "Account Name",
    "Description",
    "Reference",
    "Debit",
    "Credit",
    "Department",
    "Vendor",
]

_ACCOUNT_NAMES = [
    "Cash at Bank",
    "Petty Cash",
    "Accounts Receivable",
    "Allowance for Doubtful Accounts",
    "Inventory - Raw Materials",
    "Inventory - Finished Goods",
    "Prepaid Insurance",
    "Office Equipment",
    "Accumulated Depreciation",
    "Accounts Payable",
    "Accrued Liabilities",
    "VAT Payable",
    "Payroll Liabilities",
    "Long-term Loan",
    "Share Capital",
    "Retained Earnings",
    "Sales - Domestic",
    "Sales - Export",
    "Cost of Goods Sold",
    "Freight In",
    "Salaries and Wages",
    "Rent Expense",
    "Utilities",
    "Travel, Meals & Entertainment",
    "Professional Fees",
    "Bank Charges",
    "Depreciation Expense",
    "Interest Expense",
    "Marketing",
    "Software Subscriptions",
]
_WORDS = [
    *("invoice", "payment", "accrual", "reversal", "adjustment", "monthly", "quarterly", "rent"),
    *("payroll", "freight", "customs", "refund", "credit", "note", "supplier", "customer"),
    *("transfer", "settlement", "depreciation", "insurance", "license", "subscription"),
    *("consulting", "travel", "hotel", "fuel", "repair", "maintenance", "deposit", "interest", "fee"),
]
_DEPARTMENTS = ["", "FIN", "OPS", "SALES", "R&D", "HR", "IT", "Legal, Compliance"]
_VENDORS = [
    "",
    "Acme Corp",
    "Smith, Jones & Co",
    "Globex Ltd",
    'The "Best" Supplies',
    "Initech GmbH",
    "Umbrella S.A.",
    "Müller & Söhne",
    "Northwind Traders",
    "Contoso, Inc.",
]


def _accounts(rng: random.Random) -> list[tuple[str, str]]:
    numbers = sorted(rng.sample(range(10000, 99999), len(_ACCOUNT_NAMES)))
    return [(str(number), name) for number, name in zip(numbers, _ACCOUNT_NAMES, strict=True)]


def _cents(rng: random.Random) -> int:
    """A positive amount in cents, log-uniform between 0.01 and 2,500,000.00."""
    return max(1, int(math.exp(rng.uniform(0.0, math.log(250_000_000)))))


def _money(cents: int) -> str:
    return f"{cents // 100:,}.{cents % 100:02d}"


def _description(rng: random.Random) -> str:
    words = rng.choices(_WORDS, k=rng.randint(2, 7))
    text = " ".join(words).capitalize()
    roll = rng.random()
    if roll < 0.1:
        text += f', ref "{rng.choice(_WORDS)}"'
    elif roll < 0.25:
        text += f", {rng.choice(_WORDS)}"
    return text


def _journal_lines(rng: random.Random, size: int) -> list[int]:
    """`size` signed amounts in cents (positive = debit) that sum to zero, none zero."""
    debit_count = rng.randint(1, size - 1)
    credit_count = size - debit_count
    debits = [_cents(rng) for _ in range(debit_count)]
    debits[0] += max(0, credit_count - sum(debits))  # every credit share gets at least a cent
    total = sum(debits)
    cuts = sorted(rng.sample(range(1, total), credit_count - 1))
    bounds = [0, *cuts, total]
    credits = [low - high for low, high in itertools.pairwise(bounds)]
    lines = debits + credits
    rng.shuffle(lines)
    return lines


def rows(count: int, *, seed: int, year: int) -> Iterator[list[str]]:
    """The workload's rows, journals of 2–6 balancing lines, `count` rows in all."""
    rng = random.Random(seed)
    accounts = _accounts(rng)
    start = dt.date(year, 1, 1)
    days = (dt.date(year + 1, 1, 1) - start).days
    made = 0
    journal = 0
    while made < count:
        journal += 1
        left = count - made
        # never leave a single line for the last journal (left >= 2 always holds)
        size = left if left <= 6 else min(rng.randint(2, 6), left - 2)
        posted = (start + dt.timedelta(days=rng.randrange(days))).strftime("%m/%d/%Y")
        reference = f"{rng.choice(('INV', 'PO', 'CR', 'JV'))}{rng.randint(1, 999999):06d}"
        description = _description(rng)
        department = rng.choice(_DEPARTMENTS)
        vendor = rng.choice(_VENDORS)
        for amount in _journal_lines(rng, size):
            number, name = rng.choice(accounts)
            debit = _money(amount) if amount > 0 else ""
            credit = _money(-amount) if amount < 0 else ""
            yield [posted, f"GJ-{journal:06d}", number, name, description, reference, debit, credit,
                   department, vendor]  # fmt: skip
            made += 1


def write(path: Path, count: int, *, seed: int = 20241231, year: int = 2024) -> Path:
    """Write the CSV (UTF-8 with BOM, CRLF) and return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(rows(count, seed=seed, year=year))
    return path


def main() -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=Path("bench/data/gl_1m_b.csv"))
    parser.add_argument("--seed", type=int, default=20241231)
    parser.add_argument("--year", type=int, default=2024)
    args = parser.parse_args()
    path = write(args.out, args.rows, seed=args.seed, year=args.year)
    print(f"wrote {args.rows:,} rows to {path} ({path.stat().st_size / 1e6:.0f} MB)")


if __name__ == "__main__":
    main()

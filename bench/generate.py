"""Seeded general-ledger workloads for the benchmarks (see shared docs/performance.md).

    python -m bench.generate --rows 1000000 --out bench/data/gl_1m.csv
    python -m bench.generate --rows 100000 --xlsx --out bench/data/gl_100k.xlsx
    python -m bench.generate --rows 1000000 --totals-every 50 --page-header-every 500 \
        --out bench/data/gl_1m_totals.csv
    python -m bench.generate --rows 1000000 --continuation --year 2024 --out bench/data/gl_1m_split.csv

Columns: Date (MM/DD/YYYY), Journal ID, Account Number, Account Name, Description (free text,
sometimes with commas and quotes), Reference, Debit, Credit ("1,234.56", blank when zero),
Department, Vendor. Journals have 2-6 lines and balance. The same seed gives the same bytes.

Report-style files, which the plain columnar proof declines: `--totals-every N` writes a row
`Total,,,,,,debit sum,credit sum,,` after every N ledger lines (the sums of the lines since the
previous total or header); `--page-header-every N` repeats the header row after every N ledger
lines (after that line's total, if any); `--continuation` leaves Date, Journal ID, Description
and Reference blank on every line of a journal but its first (split-style exports); `--year`
moves every date into that calendar year.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

HEADER = (
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
)
ACCOUNTS = [(str(1000 + 10 * i), f"Account {i:03d}") for i in range(200)]
DEPARTMENTS = ["Admin", "Sales", "Ops", "R&D", "Finance"]
VENDORS = [f"Vendor {i}" for i in range(300)]
WORDS = (
    "office",
    "rent",
    "travel",
    "invoice",
    "payment",
    "accrual",
    "payroll",
    "fees",
    "supplies",
    "consulting",
)
START = dt.date(2025, 1, 1)


class Layout(NamedTuple):
    """What report-style rows to write between the ledger lines (0/False: none)."""

    totals_every: int = 0
    page_header_every: int = 0
    continuation: bool = False
    year: int = START.year


PLAIN = Layout()


def _description(rng: random.Random) -> str:
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 6)))
    roll = rng.random()
    if roll < 0.1:
        return f"{words}, {rng.choice(WORDS)}"
    if roll < 0.15:
        return f'{words} "{rng.choice(WORDS)}"'
    return words


def _money(cents: int) -> str:
    return f"{Decimal(cents).scaleb(-2):,.2f}"


class Line(NamedTuple):
    day: dt.date
    journal: str
    account: str
    name: str
    description: str
    reference: str
    debit_cents: int
    credit_cents: int
    department: str
    vendor: str


def ledger_rows(n: int, seed: int = 20261121, year: int = START.year) -> Iterator[Line]:
    """`n` lines of balanced journals, dated in `year`."""
    rng = random.Random(seed)
    start = START.replace(year=year)
    journal = 0
    produced = 0
    while produced < n:
        journal += 1
        lines = min(rng.randint(2, 6), n - produced) if n - produced >= 2 else 1
        day = start + dt.timedelta(days=rng.randrange(365))
        description = _description(rng)
        reference = f"REF-{rng.randrange(10**6):06d}"
        amounts = [rng.randrange(100, 5_000_000) for _ in range(max(lines - 1, 1))]
        sides = [(a, 0) for a in amounts[: lines - 1]] + [(0, sum(amounts[: lines - 1]))]
        if lines == 1:
            sides = [(amounts[0], 0)]
        for debit, credit in sides:
            account, name = rng.choice(ACCOUNTS)
            yield Line(
                day,
                f"JE{journal:07d}",
                account,
                name,
                description,
                reference,
                debit,
                credit,
                rng.choice(DEPARTMENTS),
                rng.choice(VENDORS),
            )
        produced += lines


def write_csv(path: Path, n: int, seed: int = 20261121, layout: Layout = PLAIN) -> None:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        for row in csv_rows(n, seed, layout):
            writer.writerow(row)


def csv_rows(n: int, seed: int = 20261121, layout: Layout = PLAIN) -> Iterator[tuple[str, ...]]:
    """The rows below the header: ledger lines, and the report rows `layout` asks for."""
    debits = credits = 0
    previous = ""
    for count, line in enumerate(ledger_rows(n, seed, layout.year), start=1):
        day, journal, account, name, description, ref, debit, credit, dept, vendor = line
        first = journal != previous
        previous = journal
        keep = first or not layout.continuation
        yield (
            day.strftime("%m/%d/%Y") if keep else "",
            journal if keep else "",
            account,
            name,
            description if keep else "",
            ref if keep else "",
            _money(debit) if debit else "",
            _money(credit) if credit else "",
            dept,
            vendor,
        )
        debits += debit
        credits += credit
        if layout.totals_every and count % layout.totals_every == 0:
            yield ("Total", "", "", "", "", "", _money(debits), _money(credits), "", "")
            debits = credits = 0
        if layout.page_header_every and count % layout.page_header_every == 0:
            yield HEADER
            debits = credits = 0


def write_xlsx(path: Path, n: int, seed: int = 20261121) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("GL")
    sheet.append(HEADER)
    for day, journal, account, name, description, ref, debit, credit, dept, vendor in ledger_rows(n, seed):
        # Excel stores numbers as binary floats: that is what a real export holds.
        debit_cell = Decimal(debit).scaleb(-2) if debit else None
        credit_cell = Decimal(credit).scaleb(-2) if credit else None
        sheet.append(
            [day, journal, int(account), name, description, ref, debit_cell, credit_cell, dept, vendor]
        )
    workbook.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261121)
    parser.add_argument("--xlsx", action="store_true")
    parser.add_argument("--totals-every", type=int, default=0, metavar="N")
    parser.add_argument("--page-header-every", type=int, default=0, metavar="N")
    parser.add_argument("--continuation", action="store_true")
    parser.add_argument("--year", type=int, default=START.year)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.xlsx:
        write_xlsx(args.out, args.rows, args.seed)
        return
    layout = Layout(args.totals_every, args.page_header_every, args.continuation, args.year)
    write_csv(args.out, args.rows, args.seed, layout)


if __name__ == "__main__":
    main()

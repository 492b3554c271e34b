"""Small, distinct general-ledger CSV exports modelled on fixtures/ledgers/, and legacy manifests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

HEADER = "Date,Journal ID,Account Number,Account Name,Description,Reference,Debit,Credit,Department"


def ledger_csv(seed: int, *, year: int = 2025, entries: int = 4) -> bytes:
    """A balanced ledger (two rows per journal entry) whose content depends on `seed`."""
    lines = [HEADER]
    for j in range(entries):
        cents = (seed * 7919 + j * 104729) % 500000 + 100
        amount = f"{cents // 100:,}.{cents % 100:02d}"
        date = f"{j % 12 + 1:02d}/{(seed + j) % 28 + 1:02d}/{year}"
        text = f'"Entry {seed}-{j}, batch {seed % 7}"'
        lines.append(f'{date},J{j + 1},6000,Rent,{text},REF-{seed}-{j},"{amount}",,Admin')
        lines.append(f'{date},J{j + 1},1200,Bank,{text},REF-{seed}-{j},,"{amount}",Admin')
    return ("\n".join(lines) + "\n").encode()


def write_legacy(folder: Path, count: int, *, accounts: int = 10, entries: int = 4) -> Path:
    """`count` legacy ledger files and a manifest registering them (upload time = file order)."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = ["path,account,fiscal_year,name,uploaded_at"]
    start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    for n in range(count):
        year = 2020 + n % 3
        path = folder / f"legacy-{n:04d}.csv"
        path.write_bytes(ledger_csv(n, year=year, entries=entries))
        uploaded = (start + dt.timedelta(hours=n)).isoformat()
        rows.append(f"{path},ACCT{n % accounts:02d},{year},gl-{n:04d}.csv,{uploaded}")
    manifest = folder / "manifest.csv"
    manifest.write_text("\n".join(rows) + "\n")
    return manifest

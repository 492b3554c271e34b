"""The DuckDB baseline, run as its own process: a trial balance straight from an artifact file.

    python bench/_duckdb_trial_balance.py ARTIFACT.json.gz > out.csv

Reads the gzip JSON array with amounts as exact DECIMAL(38, 2), groups by account and currency,
sums debits and credits exactly and writes the rows as CSV, as a user who picked DuckDB would.
"""

from __future__ import annotations

import csv
import sys

import duckdb

QUERY = """
SELECT account, currency, sum(debit) AS debit, sum(credit) AS credit
FROM read_json(?, format = 'array', columns = {
    'account': 'VARCHAR', 'account_name': 'VARCHAR', 'currency': 'VARCHAR',
    'debit': 'DECIMAL(38, 2)', 'credit': 'DECIMAL(38, 2)', 'posted_on': 'DATE'
})
GROUP BY account, currency
ORDER BY account, currency
"""


def main() -> None:
    rows = duckdb.execute(QUERY, [sys.argv[1]]).fetchall()
    writer = csv.writer(sys.stdout, lineterminator="\r\n")
    writer.writerow(["account", "currency", "debit", "credit"])
    writer.writerows(rows)


if __name__ == "__main__":
    main()

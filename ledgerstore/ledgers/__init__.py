"""Ledger files: the `LedgerFile` row, its `Status` and moves, stored options, and the repository."""

"""Hot rows: one PostgreSQL partition per active ledger, loaded with COPY, read in row order."""

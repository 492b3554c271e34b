"""Operations over the whole store: backfill, verify, drift, status (on an engine + object store)."""

"""Serving records: the waterfall retriever (read-only but for `ensure_artifact`) and `RecordSet`."""

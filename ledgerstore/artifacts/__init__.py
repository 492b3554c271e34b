"""Artifacts: format codecs by version, keys, write-once IO, and `ensure_artifact` (the one freeze path)."""

"""The names jobs are stored under: tasks, queues and locks. Changing one orphans queued jobs."""

from __future__ import annotations

PROCESS_LEDGER = "ledgerstore.process_ledger"
FREEZE_ARTIFACT = "ledgerstore.freeze_artifact"
REPROCESS_LEDGER = "ledgerstore.reprocess_ledger"
BACKFILL_SWEEP = "ledgerstore.backfill_sweep"
RECOVER_STALLED = "ledgerstore.recover_stalled"

INGEST_QUEUE = "ingest"
BACKFILL_QUEUE = "backfill"
MAINTENANCE_QUEUE = "maintenance"
QUEUES = (INGEST_QUEUE, BACKFILL_QUEUE, MAINTENANCE_QUEUE)


def pair_lock(account: str, fiscal_year: int) -> str:
    """No two jobs of one account + fiscal year run at once (procrastinate `lock`)."""
    return f"ledger:{account}:{fiscal_year}"


def freeze_queueing_lock(ledger_file_id: int) -> str:
    """A ledger file's backfill waits in the queue at most once (procrastinate `queueing_lock`)."""
    return f"freeze:{ledger_file_id}"

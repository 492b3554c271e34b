"""The task queue (procrastinate on the store's own PostgreSQL): deferring jobs and running workers.

An upload and its job commit together: `store.upload(..., on_created=queue_processing(app))` with
`app = queue_app(store.engine.url)`.
"""

from ledgerstore.queue.depth import JOB_STATES, queue_depth
from ledgerstore.queue.enqueue import defer_freeze, defer_processing, queue_app, queue_processing
from ledgerstore.queue.names import QUEUES, freeze_queueing_lock, pair_lock

__all__ = [
    "JOB_STATES",
    "QUEUES",
    "defer_freeze",
    "defer_processing",
    "freeze_queueing_lock",
    "pair_lock",
    "queue_app",
    "queue_depth",
    "queue_processing",
]

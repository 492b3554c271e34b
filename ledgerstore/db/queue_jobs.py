"""SQL on procrastinate's tables: jobs by state, stalled jobs, and whether a worker's queues are busy.

procrastinate runs its own SQL through its job manager; these are the few questions we ask its
tables ourselves (store status, a burst worker deciding to stop).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

#: procrastinate's job states, in the order a job goes through them.
JOB_STATES = ("todo", "doing", "succeeded", "failed", "cancelled", "aborted")

_BY_STATE = sa.text("SELECT status::text, count(*) FROM procrastinate_jobs GROUP BY status")
_STALLED = sa.text(
    "SELECT count(*) FROM procrastinate_jobs j"
    " LEFT JOIN procrastinate_workers w ON w.id = j.worker_id"
    " WHERE j.status = 'doing'"
    "   AND (w.id IS NULL OR w.last_heartbeat < now() - make_interval(secs => :seconds))"
)


def queue_depth(connection: Connection, *, stalled_after_s: float = 30.0) -> dict[str, int]:
    """Jobs by state (every state present, zero included) plus `stalled`: doing, worker dead."""
    depth = dict.fromkeys(JOB_STATES, 0)
    depth.update({state: int(count) for state, count in connection.execute(_BY_STATE)})
    depth["stalled"] = int(connection.execute(_STALLED, {"seconds": stalled_after_s}).scalar_one())
    return depth


#: Jobs waiting or running in the given queues (all queues when NULL), for `run_worker_async`'s
#: connector (psycopg pyformat parameters).
BUSY_JOBS = (
    "SELECT count(*) AS busy FROM procrastinate_jobs WHERE status IN ('todo', 'doing')"
    " AND (%(queues)s::varchar[] IS NULL OR queue_name = ANY(%(queues)s::varchar[]))"
)

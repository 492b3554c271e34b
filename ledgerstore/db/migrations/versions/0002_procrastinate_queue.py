"""The task queue: procrastinate's tables, types, functions and triggers (procrastinate 3.10.0).

Revision ID: 0002
Revises: 0001

The SQL is a copy of procrastinate's own `schema.sql` for that release (see
`ledgerstore.db.queue_schema`); it runs on the driver connection, so its `%` and `:` need no
escaping, inside the migration's transaction like every other migration.
"""

from __future__ import annotations

from alembic import op

from ledgerstore.db.queue_schema import schema_sql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_DROP_FUNCTIONS = """
SELECT format('DROP FUNCTION %s(%s) CASCADE', p.oid::regproc, pg_get_function_identity_arguments(p.oid))
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate\\_%'
"""


def upgrade() -> None:
    op.get_bind().connection.driver_connection.execute(schema_sql())  # type: ignore[union-attr]


def downgrade() -> None:
    for table in ("procrastinate_events", "procrastinate_periodic_defers", "procrastinate_jobs"):
        op.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
    op.execute("DROP TABLE IF EXISTS procrastinate_workers CASCADE")
    driver = op.get_bind().connection.driver_connection
    assert driver is not None
    for (statement,) in driver.execute(_DROP_FUNCTIONS).fetchall():
        driver.execute(statement)
    for type_name in (
        "procrastinate_job_to_defer_v1",
        "procrastinate_job_event_type",
        "procrastinate_job_status",
    ):
        op.execute(f"DROP TYPE IF EXISTS {type_name}")

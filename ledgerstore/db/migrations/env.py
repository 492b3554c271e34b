"""Alembic environment: runs on the connection `ledgerstore.db.migrate` hands over."""

from __future__ import annotations

from alembic import context

from ledgerstore.db.schema import metadata
from ledgerstore.db.schema_filter import include_object

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `ledgerstore db upgrade`, not the alembic command")

context.configure(
    connection=connection,
    target_metadata=metadata,
    include_object=include_object,
    compare_type=True,
    compare_server_default=True,
)
with context.begin_transaction():
    context.run_migrations()

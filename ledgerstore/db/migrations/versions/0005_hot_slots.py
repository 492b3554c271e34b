"""Hot records partitioned by slot: shared slots for small ledgers, own partitions for large ones.

Revision ID: 0005
Revises: 0004

`hot_records` was LIST-partitioned by `ledger_file_id`, one partition per active ledger, which
stops scaling at a few thousand ledgers (see `ledgerstore.hot.slots`). It becomes LIST-partitioned
by a new `slot` column. Each existing partition either stays a partition of its own (a ledger of
at least `OWN_PARTITION_ROWS` rows: slot = its id, same name) or has its rows moved into its shared
slot (`hot_records_shared_<n>`, slot -n) and is dropped. The constants are frozen here: the
migration must mean the same thing whatever later code sets.
Everything runs in the one migration transaction, holding about five locks per existing
partition until it commits: a database with more than about 1,000 active ledgers needs
`max_locks_per_transaction` raised for this upgrade (docs/operations.md).
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_SHARED_SLOTS = 64
_OWN_PARTITION_ROWS = 20_000
_OWN = re.compile(r"^hot_records_(\d+)$")
_COLUMNS = (
    "ledger_file_id, row_number, posted_on, account, account_name, description, reference, journal,"
    " debit, credit, currency, attributes"
)
_PARTITIONS = """
SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = '{parent}'::regclass ORDER BY c.relname
"""
_PRIMARY_KEY = "SELECT conname FROM pg_constraint WHERE conrelid = '{table}'::regclass AND contype = 'p'"


def _record_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("ledger_file_id", sa.BigInteger(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("posted_on", sa.Date(), nullable=True),
        sa.Column("account", sa.Text(), nullable=False),
        sa.Column("account_name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("journal", sa.Text(), nullable=False),
        sa.Column("debit", sa.Numeric(), nullable=False),
        sa.Column("credit", sa.Numeric(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("attributes", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    ]


def _checks() -> list[sa.CheckConstraint]:
    return [
        sa.CheckConstraint("credit >= 0", name=op.f("ck_hot_records_credit")),
        sa.CheckConstraint("debit >= 0", name=op.f("ck_hot_records_debit")),
        sa.CheckConstraint("row_number > 0", name=op.f("ck_hot_records_row_number")),
    ]


def _sql(statement: str) -> sa.CursorResult[Any]:
    return op.get_bind().exec_driver_sql(statement)


def _set_aside(name: str) -> list[str]:
    """Rename the current parent (and its primary key) out of the way; its partitions' names."""
    _sql(f"ALTER TABLE hot_records RENAME TO {name}")
    _sql(f"ALTER TABLE {name} RENAME CONSTRAINT pk_hot_records TO pk_{name}")
    return [row[0] for row in _sql(_PARTITIONS.format(parent=name))]


def _rebuild_primary_key(table: str, columns: str) -> None:
    for (constraint,) in _sql(_PRIMARY_KEY.format(table=table)).all():
        _sql(f'ALTER TABLE {table} DROP CONSTRAINT "{constraint}"')
    _sql(f"ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY ({columns})")


def upgrade() -> None:
    partitions = _set_aside("hot_records_0004")
    op.create_table(
        "hot_records",
        *_record_columns(),
        sa.Column("slot", sa.BigInteger(), nullable=False),
        *_checks(),
        sa.PrimaryKeyConstraint("ledger_file_id", "row_number", "slot", name=op.f("pk_hot_records")),
        postgresql_partition_by="LIST (slot)",
    )
    for name in partitions:
        match = _OWN.match(name)
        assert match is not None, f"unexpected partition {name} of hot_records"
        ledger_file_id = int(match.group(1))
        _sql(f"ALTER TABLE hot_records_0004 DETACH PARTITION {name}")
        rows = _sql(f"SELECT count(*) FROM {name}").scalar_one()  # noqa: S608 - a catalog name
        if rows >= _OWN_PARTITION_ROWS:
            _sql(f"ALTER TABLE {name} ADD COLUMN slot bigint NOT NULL DEFAULT {ledger_file_id}")
            _rebuild_primary_key(name, "ledger_file_id, row_number, slot")
            _sql(f"ALTER TABLE hot_records ATTACH PARTITION {name} FOR VALUES IN ({ledger_file_id})")
            continue
        slot = -(1 + ledger_file_id % _SHARED_SLOTS)
        shared = f"hot_records_shared_{-slot}"
        _sql(f"CREATE TABLE IF NOT EXISTS {shared} PARTITION OF hot_records FOR VALUES IN ({slot})")
        _sql(f"ALTER TABLE {shared} ALTER COLUMN slot SET DEFAULT {slot}")
        _sql(f"INSERT INTO {shared} ({_COLUMNS}) SELECT {_COLUMNS} FROM {name}")  # noqa: S608
        _sql(f"DROP TABLE {name}")
    _sql("DROP TABLE hot_records_0004")


def downgrade() -> None:
    partitions = _set_aside("hot_records_0005")
    op.create_table(
        "hot_records",
        *_record_columns(),
        *_checks(),
        sa.PrimaryKeyConstraint("ledger_file_id", "row_number", name=op.f("pk_hot_records")),
        postgresql_partition_by="LIST (ledger_file_id)",
    )
    for name in partitions:
        match = _OWN.match(name)
        if match is None:  # a shared slot: one partition per ledger it holds
            listed = f"SELECT DISTINCT ledger_file_id FROM {name} ORDER BY 1"  # noqa: S608
            ids = _sql(listed).scalars().all()
            for ledger_file_id in ids:
                own = f"hot_records_{ledger_file_id}"
                _sql(
                    f"CREATE TABLE {own} PARTITION OF hot_records FOR VALUES IN ({ledger_file_id})"
                    " WITH (autovacuum_enabled = false)"
                )
                _sql(
                    f"INSERT INTO {own} ({_COLUMNS}) SELECT {_COLUMNS} FROM {name}"  # noqa: S608
                    f" WHERE ledger_file_id = {ledger_file_id}"
                )
            continue
        _sql(f"ALTER TABLE hot_records_0005 DETACH PARTITION {name}")
        _rebuild_primary_key(name, "ledger_file_id, row_number")
        _sql(f"ALTER TABLE {name} DROP COLUMN slot")
        _sql(f"ALTER TABLE hot_records ATTACH PARTITION {name} FOR VALUES IN ({match.group(1)})")
    _sql("DROP TABLE hot_records_0005")

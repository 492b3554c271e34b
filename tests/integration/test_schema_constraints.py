"""The schema makes illegal states impossible: each constraint rejects what it is there for."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from ledgerstore.db.schema import hot_partition_name, hot_records, ledger_files

SHA = "a" * 64
NOW = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def _ledger(**changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "account": "4000",
        "fiscal_year": 2025,
        "original_name": "gl.csv",
        "raw_key": f"ledger-raw/{changes.get('raw_sha256', SHA)}-{changes.get('sequence', 1)}",
        "raw_sha256": SHA,
        "raw_size": 10,
        "sequence": 1,
        "uploaded_at": NOW,
    }
    row.update(changes)
    return row


def _insert(engine: sa.Engine, **changes: Any) -> int:
    with engine.begin() as connection:
        return int(
            connection.execute(
                ledger_files.insert().returning(ledger_files.c.id), _ledger(**changes)
            ).scalar_one()
        )


def test_a_valid_pending_ledger_file_is_accepted(engine: sa.Engine) -> None:
    ledger_id = _insert(engine)
    with engine.connect() as connection:
        status = connection.execute(
            sa.select(ledger_files.c.status).where(ledger_files.c.id == ledger_id)
        ).scalar_one()
    assert status == "pending"


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"status": "archived"}, id="unknown-status"),
        pytest.param({"account": ""}, id="empty-account"),
        pytest.param({"fiscal_year": 20250}, id="fiscal-year-out-of-range"),
        pytest.param({"raw_sha256": "XYZ" + "a" * 61}, id="malformed-sha256"),
        pytest.param({"raw_size": -1}, id="negative-size"),
        pytest.param({"sequence": 0}, id="sequence-not-positive"),
        pytest.param({"status": "failed"}, id="failed-without-error"),
        pytest.param({"error": "boom"}, id="error-without-failed"),
        pytest.param({"artifact_key": "ledger-artifacts/1.json.gz"}, id="artifact-without-checksum"),
        pytest.param({"status": "active"}, id="active-without-counts"),
        pytest.param({"debit_total": Decimal("-1"), "credit_total": Decimal(0)}, id="negative-total"),
    ],
)
def test_illegal_ledger_file_states_are_rejected(engine: sa.Engine, changes: dict[str, Any]) -> None:
    with pytest.raises(sa.exc.IntegrityError):
        _insert(engine, **changes)


def test_identical_bytes_for_the_same_account_and_year_are_one_upload(engine: sa.Engine) -> None:
    _insert(engine, sequence=1, raw_key="ledger-raw/a")
    with pytest.raises(sa.exc.IntegrityError, match="uq_ledger_files_account_fiscal_year_raw_sha256"):
        _insert(engine, sequence=2, raw_key="ledger-raw/b")
    _insert(engine, sequence=1, fiscal_year=2026, raw_key="ledger-raw/c")  # another year is another upload


def test_at_most_one_active_ledger_per_account_and_fiscal_year(engine: sa.Engine) -> None:
    processed = {"status": "active", "record_count": 0, "records_sha256": SHA}
    _insert(engine, sequence=1, raw_sha256="1" * 64, raw_key="k1", **processed)
    with pytest.raises(sa.exc.IntegrityError, match="uq_ledger_files_one_active"):
        _insert(engine, sequence=2, raw_sha256="2" * 64, raw_key="k2", **processed)
    _insert(engine, sequence=2, raw_sha256="2" * 64, raw_key="k2", **{**processed, "status": "superseded"})


def _hot_row(ledger_file_id: int, **changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "ledger_file_id": ledger_file_id,
        "row_number": 1,
        "posted_on": dt.date(2025, 1, 1),
        "account": "4000",
        "account_name": "Sales",
        "description": "",
        "reference": "",
        "journal": "J1",
        "debit": Decimal("1.00"),
        "credit": Decimal("0.00"),
        "currency": "USD",
        "attributes": {},
        "slot": ledger_file_id,  # a partition of its own
    }
    row.update(changes)
    return row


def test_hot_rows_need_a_partition_and_non_negative_amounts(engine: sa.Engine) -> None:
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
        connection.execute(hot_records.insert(), _hot_row(7))  # no partition for ledger 7 yet
    with engine.begin() as connection:
        connection.exec_driver_sql(
            f"CREATE TABLE {hot_partition_name(7)} PARTITION OF hot_records FOR VALUES IN (7)"
        )
        connection.execute(hot_records.insert(), _hot_row(7))
    for bad in ({"row_number": 2, "debit": Decimal("-0.01")}, {"row_number": 3, "credit": Decimal("-5")}):
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
            connection.execute(hot_records.insert(), _hot_row(7, **bad))
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
        connection.execute(hot_records.insert(), _hot_row(7))  # duplicate row number
    with engine.connect() as connection:
        amounts = connection.execute(sa.select(hot_records.c.debit, hot_records.c.credit)).one()
    assert amounts == (Decimal("1.00"), Decimal("0.00"))  # NUMERIC keeps the exact value and scale


def test_partition_names_are_only_made_from_positive_integers() -> None:
    assert hot_partition_name(12) == "hot_records_12"
    for bad in (0, -1, "1; DROP TABLE x", 1.5):
        with pytest.raises(ValueError, match="invalid ledger file id"):
            hot_partition_name(bad)  # type: ignore[arg-type]

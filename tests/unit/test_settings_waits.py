"""Bounded-wait settings: from the environment, checked, and raised for batch work."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledgerstore.errors import ConfigurationError
from ledgerstore.settings import BATCH_LOCK_TIMEOUT, BATCH_STATEMENT_TIMEOUT, Settings


def test_waits_have_bounded_defaults(tmp_path: Path) -> None:
    settings = Settings.from_env({"LEDGERSTORE_HOME": str(tmp_path)})
    waits = (
        settings.object_connect_timeout,
        settings.object_read_timeout,
        settings.object_retry_deadline,
        settings.database_connect_timeout,
        settings.statement_timeout,
        settings.lock_timeout,
    )
    assert all(0 < wait < 3600 for wait in waits)


def test_waits_come_from_the_environment(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "LEDGERSTORE_HOME": str(tmp_path),
            "LEDGERSTORE_OBJECT_CONNECT_TIMEOUT": "1.5",
            "LEDGERSTORE_OBJECT_READ_TIMEOUT": "2",
            "LEDGERSTORE_OBJECT_RETRY_DEADLINE": "7",
            "LEDGERSTORE_DATABASE_CONNECT_TIMEOUT": "3",
            "LEDGERSTORE_STATEMENT_TIMEOUT": "0",
            "LEDGERSTORE_LOCK_TIMEOUT": " 4.25 ",
        }
    )
    assert (settings.object_connect_timeout, settings.object_read_timeout) == (1.5, 2.0)
    assert (settings.object_retry_deadline, settings.database_connect_timeout) == (7.0, 3.0)
    assert (settings.statement_timeout, settings.lock_timeout) == (0.0, 4.25)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("LEDGERSTORE_OBJECT_READ_TIMEOUT", "soon"),
        ("LEDGERSTORE_OBJECT_READ_TIMEOUT", "0"),  # a request must time out
        ("LEDGERSTORE_OBJECT_CONNECT_TIMEOUT", "-1"),
        ("LEDGERSTORE_STATEMENT_TIMEOUT", "-5"),
        ("LEDGERSTORE_LOCK_TIMEOUT", "nan"),
        ("LEDGERSTORE_OBJECT_RETRY_DEADLINE", "inf"),
    ],
)
def test_bad_waits_are_configuration_errors(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(ConfigurationError, match=name):
        Settings.from_env({"LEDGERSTORE_HOME": str(tmp_path), name: value})


def test_batch_work_gets_longer_statement_and_lock_timeouts(tmp_path: Path) -> None:
    interactive = Settings(home=tmp_path, statement_timeout=30.0, lock_timeout=5.0)
    batch = interactive.for_batch()
    assert (batch.statement_timeout, batch.lock_timeout) == (BATCH_STATEMENT_TIMEOUT, BATCH_LOCK_TIMEOUT)
    unlimited = Settings(home=tmp_path, statement_timeout=0.0, lock_timeout=0.0).for_batch()
    assert (unlimited.statement_timeout, unlimited.lock_timeout) == (0.0, 0.0)
    assert batch.object_retry_deadline == interactive.object_retry_deadline

"""Every wait of a command is bounded (issue 13, finding 5): a silent S3 endpoint is exit 5."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from tests.e2e.cli import ROOT, run_cli
from tests.objectstore.test_objectstore_timeouts import silent_endpoint  # noqa: F401 - a fixture

LEDGER = ROOT / "fixtures" / "ledgers" / "acme-2025-v1.csv"
CONNECT, READ, DEADLINE = 1.0, 1.0, 4.0


@pytest.mark.timeout(120)
def test_ingest_to_a_silent_s3_endpoint_exits_5_within_the_deadline(
    database_url: URL,
    tmp_path: Path,
    silent_endpoint: str,  # noqa: F811 - the fixture
) -> None:
    env = {
        "LEDGERSTORE_HOME": str(tmp_path / "home"),
        "LEDGERSTORE_DATABASE_URL": database_url.render_as_string(hide_password=False),
        "LEDGERSTORE_OBJECT_URL": "s3://ledgers",
        "LEDGERSTORE_OBJECT_CONNECT_TIMEOUT": str(CONNECT),
        "LEDGERSTORE_OBJECT_READ_TIMEOUT": str(READ),
        "LEDGERSTORE_OBJECT_RETRY_DEADLINE": str(DEADLINE),
        "AWS_ENDPOINT_URL_S3": silent_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
    }
    started = time.monotonic()
    result = run_cli(
        "ingest", str(LEDGER), "--account", "ACME", "--fiscal-year", "2025", env=env, timeout=100
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 5, result.stderr
    *retries, last = result.stderr.splitlines()
    assert last.startswith("ledgerstore: error: S3 write of ") and last.endswith("try again later")
    assert retries and all("transient ReadTimeoutError" in line for line in retries)  # logged as it waits
    assert "Traceback" not in result.stderr
    # The deadline, one more request's timeouts, and the command's start-up on a busy machine.
    assert elapsed < DEADLINE + CONNECT + READ + 15, elapsed
    print(f"silent S3 endpoint: exit 5 after {elapsed:.1f}s (deadline {DEADLINE}s)")

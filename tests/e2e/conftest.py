"""What the CLI tests share: the environment that points a `ledgerstore` subprocess at a fresh
test database and a local object store of its own."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import URL


@pytest.fixture
def env(database_url: URL, tmp_path: Path) -> dict[str, str]:
    return {
        "LEDGERSTORE_HOME": str(tmp_path / "home"),
        "LEDGERSTORE_DATABASE_URL": database_url.render_as_string(hide_password=False),
        "LEDGERSTORE_OBJECT_URL": (tmp_path / "objects").as_uri(),
    }

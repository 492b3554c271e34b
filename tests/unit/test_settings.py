from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ledgerstore.errors import ConfigurationError
from ledgerstore.settings import Settings


def test_defaults_use_an_embedded_server_and_a_local_object_store(tmp_path: Path) -> None:
    settings = Settings.from_env({"LEDGERSTORE_HOME": str(tmp_path)})
    assert settings.embedded
    assert settings.pgdata == tmp_path / "pgdata"
    assert settings.resolved_object_url == (tmp_path / "objects").as_uri()


def test_environment_names_external_services(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "LEDGERSTORE_HOME": str(tmp_path),
            "LEDGERSTORE_DATABASE_URL": "postgresql://u@db.example/ledgers",
            "LEDGERSTORE_OBJECT_URL": "gs://bucket/prefix",
        }
    )
    assert not settings.embedded
    assert settings.database_url == "postgresql://u@db.example/ledgers"
    assert settings.resolved_object_url == "gs://bucket/prefix"


def test_relative_home_is_resolved_against_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert Settings.from_env({"LEDGERSTORE_HOME": "data"}).home == tmp_path / "data"


def test_settings_are_immutable_and_require_an_absolute_home(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    with pytest.raises(AttributeError):
        settings.home = Path("/elsewhere")  # type: ignore[misc]
    with pytest.raises(ConfigurationError):
        Settings(home=Path("relative"))


def test_importing_every_module_starts_nothing(tmp_path: Path) -> None:
    # Settings are read only at entry points: importing any module must not start a server,
    # create the data directory or connect anywhere.
    home = tmp_path / "home"
    script = (
        "import importlib, pkgutil\n"
        "for top in ('normalizer', 'ledgerstore', 'reporting', 'workers'):\n"
        "    package = importlib.import_module(top)\n"
        "    for info in pkgutil.walk_packages(package.__path__, top + '.'):\n"
        "        if not info.name.endswith('__main__') and '.migrations.' not in info.name:\n"
        "            importlib.import_module(info.name)\n"
    )
    env = {**os.environ, "LEDGERSTORE_HOME": str(home)}
    subprocess.run([sys.executable, "-c", script], check=True, env=env, timeout=120)
    assert not home.exists()


def test_the_own_partition_threshold_comes_from_the_environment(tmp_path: Path) -> None:
    home = {"LEDGERSTORE_HOME": str(tmp_path)}
    assert Settings.from_env(home).hot_own_partition_rows == 20_000
    chosen = Settings.from_env({**home, "LEDGERSTORE_HOT_OWN_PARTITION_ROWS": "500"})
    assert chosen.hot_own_partition_rows == 500
    for bad in ("0", "-3", "many", "1.5"):
        with pytest.raises(ConfigurationError, match="LEDGERSTORE_HOT_OWN_PARTITION_ROWS"):
            Settings.from_env({**home, "LEDGERSTORE_HOT_OWN_PARTITION_ROWS": bad})

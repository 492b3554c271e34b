"""Settings: one explicit, frozen object built from the environment only at entry points."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from ledgerstore.errors import ConfigurationError

ENV_HOME = "LEDGERSTORE_HOME"
ENV_DATABASE_URL = "LEDGERSTORE_DATABASE_URL"
ENV_OBJECT_URL = "LEDGERSTORE_OBJECT_URL"
#: Accept uploads with error-level issues (rows that could not become records) by default.
ENV_ACCEPT_ISSUES = "LEDGERSTORE_ACCEPT_ISSUES"
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")

DEFAULT_HOME = Path("~/.ledgerstore")


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Where ledgerstore keeps its state.

    `home` is the data directory (embedded PostgreSQL data, local object store). With no
    `database_url`, an embedded PostgreSQL server runs from `home / "pgdata"`. With no
    `object_url`, objects live under `home / "objects"`.
    """

    home: Path
    database_url: str | None = None
    object_url: str | None = None
    database_name: str = "ledgerstore"
    #: Uploads with error-level issues are accepted rather than rejected (`LEDGERSTORE_ACCEPT_ISSUES`).
    accept_issues: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Build settings from `LEDGERSTORE_HOME`, `LEDGERSTORE_DATABASE_URL`, `LEDGERSTORE_OBJECT_URL`.

        `env` is the environment an entry point hands over (the CLI, the worker, `LedgerStore.open`
        pass `os.environ`); nothing below the entry points reads it.
        """
        home = Path(env.get(ENV_HOME) or DEFAULT_HOME).expanduser()
        if not home.is_absolute():
            home = Path.cwd() / home
        return cls(
            home=home,
            database_url=env.get(ENV_DATABASE_URL) or None,
            object_url=env.get(ENV_OBJECT_URL) or None,
            accept_issues=_flag(env, ENV_ACCEPT_ISSUES),
        )

    def __post_init__(self) -> None:
        if not self.home.is_absolute():
            raise ConfigurationError(f"the data directory must be an absolute path, got {self.home}")

    @property
    def embedded(self) -> bool:
        """True when ledgerstore runs its own PostgreSQL server."""
        return self.database_url is None

    @property
    def pgdata(self) -> Path:
        """The embedded server's data directory."""
        return self.home / "pgdata"

    @property
    def resolved_object_url(self) -> str:
        """The object store URL, defaulting to a directory under the data home."""
        return self.object_url or (self.home / "objects").as_uri()

    def with_changes(self, **changes: object) -> Settings:
        """A copy with some fields replaced (settings objects are immutable)."""
        return replace(self, **changes)  # type: ignore[arg-type]


def _flag(env: Mapping[str, str], name: str) -> bool:
    """A yes/no setting: 1/true/yes/on or 0/false/no/off (empty: no)."""
    value = env.get(name, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigurationError(f"{name} must be 1 or 0 (true/false, yes/no), not {value!r}")

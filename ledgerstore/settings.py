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
#: Records from which an active ledger gets a hot partition of its own (`ledgerstore.hot.slots`).
ENV_HOT_OWN_PARTITION_ROWS = "LEDGERSTORE_HOT_OWN_PARTITION_ROWS"
DEFAULT_HOT_OWN_PARTITION_ROWS = 20_000
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")

DEFAULT_HOME = Path("~/.ledgerstore")

# -- bounded waits: every request and statement has a deadline (seconds) ----------------------
ENV_OBJECT_CONNECT_TIMEOUT = "LEDGERSTORE_OBJECT_CONNECT_TIMEOUT"
ENV_OBJECT_READ_TIMEOUT = "LEDGERSTORE_OBJECT_READ_TIMEOUT"
ENV_OBJECT_RETRY_DEADLINE = "LEDGERSTORE_OBJECT_RETRY_DEADLINE"
ENV_DATABASE_CONNECT_TIMEOUT = "LEDGERSTORE_DATABASE_CONNECT_TIMEOUT"
ENV_STATEMENT_TIMEOUT = "LEDGERSTORE_STATEMENT_TIMEOUT"
ENV_LOCK_TIMEOUT = "LEDGERSTORE_LOCK_TIMEOUT"

#: (environment variable, field, may be 0 = no limit) of every bounded-wait setting.
_WAITS = (
    (ENV_OBJECT_CONNECT_TIMEOUT, "object_connect_timeout", False),
    (ENV_OBJECT_READ_TIMEOUT, "object_read_timeout", False),
    (ENV_OBJECT_RETRY_DEADLINE, "object_retry_deadline", True),
    (ENV_DATABASE_CONNECT_TIMEOUT, "database_connect_timeout", False),
    (ENV_STATEMENT_TIMEOUT, "statement_timeout", True),
    (ENV_LOCK_TIMEOUT, "lock_timeout", True),
)

#: The worker and backfill run long statements (a whole ledger's COPY, freezing a partition)
#: and wait their turn on a pair's lock: they get at least these.
BATCH_STATEMENT_TIMEOUT = 3600.0
BATCH_LOCK_TIMEOUT = 600.0


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
    #: A ledger with at least this many records gets a hot partition of its own (replacing it is
    #: a DROP); smaller ones share slots (`LEDGERSTORE_HOT_OWN_PARTITION_ROWS`).
    hot_own_partition_rows: int = DEFAULT_HOT_OWN_PARTITION_ROWS

    # Bounded waits (seconds). Object stores: per-request connect/read timeouts and the retry
    # deadline (S3, GCS). PostgreSQL: connecting, and `statement_timeout` / `lock_timeout` for
    # interactive commands (0 = no limit); `for_batch()` raises them for the worker and backfill.
    object_connect_timeout: float = 10.0
    object_read_timeout: float = 30.0
    object_retry_deadline: float = 120.0
    database_connect_timeout: float = 10.0
    statement_timeout: float = 600.0
    lock_timeout: float = 60.0

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
            hot_own_partition_rows=_rows(env, ENV_HOT_OWN_PARTITION_ROWS, DEFAULT_HOT_OWN_PARTITION_ROWS),
        ).with_changes(**_waits_from_env(env))

    def __post_init__(self) -> None:
        if not self.home.is_absolute():
            raise ConfigurationError(f"the data directory must be an absolute path, got {self.home}")
        for name, field_name, zero_ok in _WAITS:
            value = getattr(self, field_name)
            if not isinstance(value, int | float) or not (value >= 0 if zero_ok else value > 0):
                bound = "0 or more" if zero_ok else "more than 0"
                raise ConfigurationError(f"{name} must be a number of seconds, {bound}; got {value!r}")
        rows = self.hot_own_partition_rows
        if isinstance(rows, bool) or not isinstance(rows, int) or rows < 1:
            raise ConfigurationError(f"{ENV_HOT_OWN_PARTITION_ROWS} must be a whole number, 1 or more")

    def for_batch(self) -> Settings:
        """These settings for the worker and backfill: statement and lock timeouts of at least
        `BATCH_STATEMENT_TIMEOUT` / `BATCH_LOCK_TIMEOUT` (0, no limit, stays 0)."""
        return self.with_changes(
            statement_timeout=_at_least(self.statement_timeout, BATCH_STATEMENT_TIMEOUT),
            lock_timeout=_at_least(self.lock_timeout, BATCH_LOCK_TIMEOUT),
        )

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


def _rows(env: Mapping[str, str], name: str, default: int) -> int:
    """A count of rows (the default when unset)."""
    value = env.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number of rows, 1 or more; got {value!r}") from None


def _flag(env: Mapping[str, str], name: str) -> bool:
    """A yes/no setting: 1/true/yes/on or 0/false/no/off (empty: no)."""
    value = env.get(name, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigurationError(f"{name} must be 1 or 0 (true/false, yes/no), not {value!r}")


def _waits_from_env(env: Mapping[str, str]) -> dict[str, float]:
    waits = {}
    for name, field_name, _ in _WAITS:
        text = env.get(name, "").strip()
        if not text:
            continue
        try:
            waits[field_name] = float(text)
        except ValueError:
            raise ConfigurationError(f"{name} must be a number of seconds, got {text!r}") from None
        if waits[field_name] != waits[field_name] or waits[field_name] in (float("inf"), float("-inf")):
            raise ConfigurationError(f"{name} must be a finite number of seconds, got {text!r}")
    return waits


def _at_least(value: float, floor: float) -> float:
    return value if value == 0 else max(value, floor)

"""Bounded retries with exponential backoff and full jitter, for the network backends.

Each backend supplies its own `is_transient(exc)` classifier; this module only decides when to
try again and when to give up. A transient failure that outlives the policy becomes
`ObjectStoreUnavailableError`; anything else propagates unchanged on the first occurrence.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from ledgerstore.errors import ObjectStoreUnavailableError

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: HTTP statuses that mean "try again later": timeout, throttling, server-side failures.
TRANSIENT_HTTP_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    """At most `attempts` tries, within `deadline` seconds from the first.

    Before retry n (0-based) it waits a random time between 0 and
    min(max_delay, initial_delay * 2**n): full jitter keeps many clients from retrying in step.
    Each request itself is bounded by `connect_timeout` and `read_timeout` (seconds without a
    byte from the server), so a silent endpoint costs at most `deadline` plus one request's
    timeouts before `ObjectStoreUnavailableError`.
    """

    attempts: int = 6
    initial_delay: float = 0.25
    max_delay: float = 8.0
    deadline: float = 120.0
    connect_timeout: float = 10.0
    read_timeout: float = 30.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("RetryPolicy.attempts must be at least 1")
        if min(self.initial_delay, self.max_delay, self.deadline) < 0:
            raise ValueError("RetryPolicy delays and deadline must not be negative")
        if min(self.connect_timeout, self.read_timeout) <= 0:
            raise ValueError("RetryPolicy timeouts must be positive")

    def backoff(self, retry_number: int) -> float:
        """Seconds to wait before retry `retry_number` (0 for the first retry)."""
        ceiling = min(self.max_delay, self.initial_delay * 2.0**retry_number)
        # os.urandom, not the process-wide generator: a retry in one thread must not move the
        # random state other code (a seeded test, a library) relies on
        return random.SystemRandom().uniform(0.0, ceiling)


def call_with_retry(
    operation: Callable[[int], T],
    *,
    policy: RetryPolicy,
    is_transient: Callable[[BaseException], bool],
    describe: str,
    key: str | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Return `operation(attempt)`, calling it again (attempt = 1, 2, …) after transient errors.

    `operation` receives the attempt number so that a create-only write can tell a first
    "already exists" (someone else's object) from one that follows a failed attempt of its own.
    """
    started = time.monotonic()
    attempt = 0
    while True:
        try:
            return operation(attempt)
        except Exception as exc:
            if not is_transient(exc):
                raise
            delay = policy.backoff(attempt)
            if attempt + 1 >= policy.attempts or time.monotonic() - started + delay > policy.deadline:
                raise _gave_up(describe, key, attempt + 1, exc) from exc
            logger.warning("%s: transient %s, retry %d in %.2fs", describe, _brief(exc), attempt + 1, delay)
        sleep(delay)
        attempt += 1


def _gave_up(describe: str, key: str | None, tries: int, exc: BaseException) -> ObjectStoreUnavailableError:
    message = f"{describe}: still failing after {tries} attempts ({_brief(exc)}); try again later"
    return ObjectStoreUnavailableError(message, key=key)


def _brief(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    text = text if len(text) <= 200 else text[:197] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__

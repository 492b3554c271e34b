"""Which failures a task retries (transient ones, with exponential backoff) and which fail at once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from procrastinate.retry import BaseRetryStrategy, RetryDecision

from ledgerstore.errors import is_transient


@dataclass(frozen=True, slots=True, kw_only=True)
class TransientRetry(BaseRetryStrategy):
    """Retry transient errors after `base_seconds * 2**attempt` (capped); never retry the rest.

    `max_retries` counts retries after the first attempt; then the job fails for good.
    """

    max_retries: int = 8
    base_seconds: float = 2.0
    cap_seconds: float = 600.0

    def delay(self, attempts: int) -> float:
        """Seconds to wait before the attempt following `attempts` earlier ones."""
        return float(min(self.cap_seconds, self.base_seconds * 2**attempts))

    def get_retry_decision(self, *, exception: BaseException, job: Any) -> RetryDecision | None:
        if job.attempts >= self.max_retries or not is_transient(exception):
            return None
        return RetryDecision(
            retry_at=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=self.delay(job.attempts))
        )

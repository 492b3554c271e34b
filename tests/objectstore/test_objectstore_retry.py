"""The retry helper: bounded attempts and time, backoff with jitter, permanent errors at once."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ledgerstore.errors import ObjectStoreUnavailableError
from ledgerstore.objectstore.retry import RetryPolicy, call_with_retry


class Flaky(Exception):
    pass


class Broken(Exception):
    pass


def never_sleep(seconds: float) -> None:
    pytest.fail(f"slept {seconds}s where no retry was due")


def is_flaky(exc: BaseException) -> bool:
    return isinstance(exc, Flaky)


def failing(times: int, error: Exception, result: str = "done") -> tuple[list[int], Callable[[int], str]]:
    attempts: list[int] = []

    def operation(attempt: int) -> str:
        attempts.append(attempt)
        if len(attempts) <= times:
            raise error
        return result

    return attempts, operation


def test_transient_errors_are_retried_until_success() -> None:
    attempts, operation = failing(2, Flaky("503"))
    sleeps: list[float] = []
    policy = RetryPolicy(attempts=5, initial_delay=0.1, max_delay=1.0)
    result = call_with_retry(
        operation, policy=policy, is_transient=is_flaky, describe="op", sleep=sleeps.append
    )
    assert result == "done"
    assert attempts == [0, 1, 2]
    assert len(sleeps) == 2
    assert 0 <= sleeps[0] <= 0.1 and 0 <= sleeps[1] <= 0.2


def test_permanent_error_is_raised_at_once() -> None:
    attempts, operation = failing(5, Broken("403"))
    with pytest.raises(Broken):
        call_with_retry(
            operation, policy=RetryPolicy(), is_transient=is_flaky, describe="op", sleep=never_sleep
        )
    assert attempts == [0]


def test_gives_up_after_attempts() -> None:
    attempts, operation = failing(100, Flaky("timeout"))
    policy = RetryPolicy(attempts=3, initial_delay=0.0)
    with pytest.raises(ObjectStoreUnavailableError, match="3 attempts") as raised:
        call_with_retry(
            operation,
            policy=policy,
            is_transient=is_flaky,
            describe="S3 read of 'k'",
            key="k",
            sleep=lambda _: None,
        )
    assert attempts == [0, 1, 2]
    assert raised.value.key == "k"
    assert raised.value.transient
    assert isinstance(raised.value.__cause__, Flaky)


def test_gives_up_when_the_deadline_would_pass() -> None:
    attempts, operation = failing(100, Flaky("slow"))
    policy = RetryPolicy(attempts=100, initial_delay=10.0, max_delay=10.0, deadline=0.0)
    with pytest.raises(ObjectStoreUnavailableError):
        call_with_retry(operation, policy=policy, is_transient=is_flaky, describe="op", sleep=never_sleep)
    assert attempts == [0]


def test_backoff_grows_and_is_capped() -> None:
    policy = RetryPolicy(initial_delay=0.5, max_delay=2.0)
    for retry in range(10):
        ceiling = min(2.0, 0.5 * 2**retry)
        assert all(0 <= policy.backoff(retry) <= ceiling for _ in range(50))
    assert len({policy.backoff(5) for _ in range(20)}) > 1, "jittered"


@pytest.mark.parametrize("options", [{"attempts": 0}, {"initial_delay": -1}, {"deadline": -1}])
def test_policy_rejects_nonsense(options: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="RetryPolicy"):
        RetryPolicy(**options)  # type: ignore[arg-type]

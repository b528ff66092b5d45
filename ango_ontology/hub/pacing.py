"""Pacing of requests to a hub: the retry policy, the client-side rate limiter, loopback detection."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from ipaddress import ip_address

Clock = Callable[[], float]
Sleep = Callable[[float], None]


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry: exponential backoff with jitter, bounded in attempts and time."""

    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0
    total: float = 120.0

    def backoff(self, attempt: int, rng: Callable[[], float]) -> float:
        """The pause after failed attempt number `attempt` (1-based): half fixed, half random."""
        cap = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        return cap / 2 + rng() * cap / 2


class RateLimiter:
    """At most `per_minute` requests in any sliding window of `window` seconds; waits for a free slot."""

    def __init__(
        self,
        per_minute: int = 100,
        *,
        window: float = 60.0,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self.per_minute = per_minute
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Take one slot, sleeping until one is free; return how long it slept."""
        waited = 0.0
        with self._lock:
            while True:
                now = self._clock()
                while self._sent and self._sent[0] <= now - self.window:
                    self._sent.popleft()
                if len(self._sent) < self.per_minute:
                    self._sent.append(now)
                    return waited
                pause = self._sent[0] + self.window - now
                self._sleep(pause)
                waited += pause


def is_loopback(host: str) -> bool:
    """Whether `host` (a name or an address) surely stays on this machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def limiter(rate_limit: int | RateLimiter | None, clock: Clock, sleep: Sleep) -> RateLimiter:
    if isinstance(rate_limit, RateLimiter):
        return rate_limit
    # No limit is a limiter too large to ever wait, which keeps one code path.
    return RateLimiter(rate_limit or 10**9, clock=clock, sleep=sleep)


def retry_after_seconds(value: str | None) -> float | None:
    """A Retry-After header in seconds (a number or an HTTP date), or None when absent or unreadable."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())

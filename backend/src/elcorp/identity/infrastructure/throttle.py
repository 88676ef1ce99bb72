"""Failed sign-in counting in Redis (DESIGN.md section 6).

Per account: after LOGIN_MAX_CONSECUTIVE_FAILURES consecutive failures the account is
locked for a growing time (base * 2^(n-1), capped; never permanently), and the client's
"10 attempts per hour" counts failed attempts in a rolling hour. A success resets both
(NIST SP 800-63B). Per IP: failures across all accounts are throttled with 429, so a
password-spraying client is slowed without locking other people's accounts.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import redis

from elcorp.shared.domain.errors import ServiceUnavailable

HOUR = 3600
LOCK_HISTORY_SECONDS = 24 * HOUR


@dataclass(frozen=True, slots=True)
class Preflight:
    ip_retry_after: int | None
    locked: bool
    has_failures: bool


@dataclass(frozen=True, slots=True)
class ThrottleRules:
    max_consecutive: int = 5
    lock_base_seconds: int = 60
    lock_max_seconds: int = 3600
    account_max_per_hour: int = 10
    ip_max_failures: int = 100
    ip_window_seconds: int = HOUR


def parse_rate(text: str) -> tuple[int, int]:
    """'100/hour' -> (100, 3600)."""
    count, _, period = text.partition("/")
    seconds = {"second": 1, "minute": 60, "hour": HOUR, "day": 24 * HOUR}[period.strip().lower()]
    return int(count), seconds


class RedisLoginThrottle:
    def __init__(self, client: redis.Redis, rules: ThrottleRules) -> None:
        self._redis = client
        self._rules = rules

    def preflight(self, ip: str | None, user_id: uuid.UUID | None) -> Preflight:
        """Everything a login needs to know before checking the password, in one round trip."""
        ip_key = f"login:ipfail:{ip}" if ip else "login:ipfail:-"
        try:
            pipe = self._redis.pipeline(transaction=False)
            pipe.get(ip_key)
            pipe.ttl(ip_key)
            if user_id is not None:
                pipe.exists(f"login:lock:{user_id}")
                pipe.exists(f"login:fail:{user_id}", f"login:hourfail:{user_id}")
            results = pipe.execute()
        except redis.RedisError as exc:
            raise ServiceUnavailable() from exc
        count, ttl = results[0], results[1]
        retry_after = (
            max(int(ttl), 1)
            if ip and count is not None and int(count) >= self._rules.ip_max_failures
            else None
        )
        if user_id is None:
            return Preflight(retry_after, locked=False, has_failures=False)
        return Preflight(retry_after, locked=bool(results[2]), has_failures=bool(results[3]))

    def is_locked(self, user_id: uuid.UUID) -> bool:
        try:
            return bool(self._redis.exists(f"login:lock:{user_id}"))
        except redis.RedisError as exc:
            raise ServiceUnavailable() from exc

    def record_failure(self, user_id: uuid.UUID | None, ip: str | None) -> int | None:
        """Count a failure; returns the lock length in seconds if this failure locked the account."""
        rules = self._rules
        try:
            # SET NX EX then INCR: a fixed window from the first failure (INCR keeps the TTL).
            # Works on Redis 6.2 (the embedded server), which has no EXPIRE ... NX.
            pipe = self._redis.pipeline()
            if ip:
                ip_key = f"login:ipfail:{ip}"
                pipe.set(ip_key, 0, ex=rules.ip_window_seconds, nx=True)
                pipe.incr(ip_key)
            if user_id is None:
                pipe.execute()
                return None
            consecutive, hourly = f"login:fail:{user_id}", f"login:hourfail:{user_id}"
            pipe.incr(consecutive)
            pipe.expire(consecutive, HOUR)
            pipe.set(hourly, 0, ex=HOUR, nx=True)
            pipe.incr(hourly)
            pipe.ttl(hourly)
            results = pipe.execute()
            fails, hour_fails, hour_ttl = results[-5], results[-2], results[-1]
            if fails >= rules.max_consecutive:
                locks = self._redis.incr(f"login:locks:{user_id}")
                self._redis.expire(f"login:locks:{user_id}", LOCK_HISTORY_SECONDS)
                seconds = min(rules.lock_base_seconds * 2 ** min(int(locks) - 1, 20), rules.lock_max_seconds)
            elif hour_fails >= rules.account_max_per_hour:
                seconds = max(int(hour_ttl), 1)
            else:
                return None
            lock = self._redis.pipeline()
            lock.set(f"login:lock:{user_id}", b"1", ex=seconds)
            lock.delete(consecutive)
            lock.execute()
            return seconds
        except redis.RedisError as exc:
            raise ServiceUnavailable() from exc

    def record_success(self, user_id: uuid.UUID) -> None:
        self.clear(user_id)

    def clear(self, user_id: uuid.UUID) -> None:
        """Forget failures and lifts a temporary lock (success, reset, or an admin unlock)."""
        try:
            self._redis.delete(
                f"login:fail:{user_id}",
                f"login:hourfail:{user_id}",
                f"login:lock:{user_id}",
                f"login:locks:{user_id}",
            )
        except redis.RedisError as exc:
            raise ServiceUnavailable() from exc

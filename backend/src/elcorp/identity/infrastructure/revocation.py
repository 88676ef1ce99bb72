"""Token revocation in Redis: a `jti` denylist (TTL = the token's remaining life) and
"revoked before" marks per user and per device, all read in one MGET per request.

Redis unreachable means "cannot tell whether this token was revoked": fail closed (503).
"""

from __future__ import annotations

import time
import uuid

import redis

from elcorp.identity.domain.errors import TokenInvalid
from elcorp.shared.domain.errors import ServiceUnavailable


class RedisRevocationList:
    def __init__(self, client: redis.Redis, *, mark_ttl: int) -> None:
        self._redis = client
        self._mark_ttl = mark_ttl  # marks must outlive the longest-lived access token

    @staticmethod
    def _keys(jti: str, user_id: uuid.UUID, device_id: uuid.UUID) -> list[str]:
        return [
            f"auth:deny:{jti}",
            f"auth:revoked:user:{user_id}",
            f"auth:revoked:device:{user_id}:{device_id}",
        ]

    def ensure_valid(self, *, jti: str, user_id: uuid.UUID, device_id: uuid.UUID, issued_at: float) -> None:
        try:
            denied, user_mark, device_mark = self._redis.mget(self._keys(jti, user_id, device_id))
        except redis.RedisError as exc:
            raise ServiceUnavailable() from exc
        if denied is not None:
            raise TokenInvalid()
        for mark in (user_mark, device_mark):
            if mark is not None and issued_at <= float(mark):
                raise TokenInvalid()

    def deny(self, jti: str, expires_at: float) -> None:
        ttl = int(expires_at - time.time()) + 1
        if ttl > 0:
            self._call(lambda: self._redis.set(f"auth:deny:{jti}", b"1", ex=ttl))

    def revoke_user(self, user_id: uuid.UUID) -> None:
        """Every token of the user issued up to now stops working."""
        self._call(
            lambda: self._redis.set(f"auth:revoked:user:{user_id}", repr(time.time()), ex=self._mark_ttl)
        )

    def revoke_device(self, user_id: uuid.UUID, device_id: uuid.UUID) -> None:
        key = f"auth:revoked:device:{user_id}:{device_id}"
        self._call(lambda: self._redis.set(key, repr(time.time()), ex=self._mark_ttl))

    @staticmethod
    def _call(action: object) -> None:
        try:
            action()  # type: ignore[operator]
        except redis.RedisError as exc:
            raise ServiceUnavailable() from exc

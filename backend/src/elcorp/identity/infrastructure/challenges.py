"""Pending MFA logins in Redis: the `mfa_token` a client exchanges for tokens with a code.

Short-lived (MFA_TOKEN_TTL_SECONDS), bound to the user and device, dies after
MFA_TOKEN_MAX_ATTEMPTS wrong codes, spent by the first successful exchange (DEL returns 1
to exactly one caller). Stored under a digest of the token, never the token itself.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass

import redis

from elcorp.identity.infrastructure.lookup import token_digest
from elcorp.shared.domain.errors import ServiceUnavailable


@dataclass(frozen=True, slots=True)
class Pending:
    user_id: uuid.UUID
    device_id: uuid.UUID
    device_name: str | None


class RedisMfaChallenges:
    def __init__(self, client: redis.Redis, *, ttl: int, max_attempts: int) -> None:
        self._redis = client
        self._ttl = ttl
        self._max_attempts = max_attempts

    @staticmethod
    def _key(token: str) -> str:
        return f"auth:mfa:{token_digest(token)}"

    def create(self, user_id: uuid.UUID, device_id: uuid.UUID, device_name: str | None) -> str:
        token = secrets.token_urlsafe(32)
        key = self._key(token)
        try:
            pipe = self._redis.pipeline()
            pipe.hset(
                key,
                mapping={
                    "user_id": str(user_id),
                    "device_id": str(device_id),
                    "device_name": device_name or "",
                    "failures": 0,
                },
            )
            pipe.expire(key, self._ttl)
            pipe.execute()
        except redis.RedisError as exc:
            raise ServiceUnavailable() from exc
        return token

    def peek(self, token: str) -> Pending | None:
        if not token or len(token) > 256:
            return None
        try:
            data = self._redis.hgetall(self._key(token))
        except redis.RedisError as exc:
            raise ServiceUnavailable() from exc
        if not data:
            return None
        fields = {_text(k): _text(v) for k, v in data.items()}
        return Pending(
            uuid.UUID(fields["user_id"]), uuid.UUID(fields["device_id"]), fields.get("device_name") or None
        )

    def fail(self, token: str) -> None:
        key = self._key(token)
        try:
            if self._redis.hincrby(key, "failures", 1) >= self._max_attempts:
                self._redis.delete(key)
        except redis.RedisError as exc:
            raise ServiceUnavailable() from exc

    def take(self, token: str) -> bool:
        try:
            return bool(self._redis.delete(self._key(token)))
        except redis.RedisError as exc:
            raise ServiceUnavailable() from exc


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value

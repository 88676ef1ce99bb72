"""Pending MFA logins in Redis: the `mfa_token` a client exchanges for tokens with a code.

Short-lived (MFA_TOKEN_TTL_SECONDS), bound to the user and device, spent by the first
successful exchange (DEL returns 1 to exactly one caller). Each exchange first reserves an
attempt in one Lua script (increment, compare, delete when over the limit), so however many
requests race on one token, at most MFA_TOKEN_MAX_ATTEMPTS codes are ever checked against
it. Stored under a digest of the token, never the token itself.
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


# KEYS[1] the challenge, ARGV[1] the maximum attempts. Returns the pending login's fields,
# or nil when the challenge does not exist or has no attempt left (then it is deleted).
_BEGIN_ATTEMPT = """
if redis.call('EXISTS', KEYS[1]) == 0 then
  return nil
end
local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
if attempts > tonumber(ARGV[1]) then
  redis.call('DEL', KEYS[1])
  return nil
end
return redis.call('HMGET', KEYS[1], 'user_id', 'device_id', 'device_name')
"""


class RedisMfaChallenges:
    def __init__(self, client: redis.Redis, *, ttl: int, max_attempts: int) -> None:
        self._redis = client
        self._ttl = ttl
        self._max_attempts = max_attempts
        self._begin_attempt = client.register_script(_BEGIN_ATTEMPT)

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
                    "attempts": 0,
                },
            )
            pipe.expire(key, self._ttl)
            pipe.execute()
        except redis.RedisError as exc:
            raise ServiceUnavailable() from exc
        return token

    def begin_attempt(self, token: str) -> Pending | None:
        if not token or len(token) > 256:
            return None
        try:
            found = self._begin_attempt(keys=[self._key(token)], args=[self._max_attempts])
        except redis.RedisError as exc:
            raise ServiceUnavailable() from exc
        if not found:
            return None
        user_id, device_id, device_name = (_text(v) if v is not None else "" for v in found)
        return Pending(uuid.UUID(user_id), uuid.UUID(device_id), device_name or None)

    def take(self, token: str) -> bool:
        try:
            return bool(self._redis.delete(self._key(token)))
        except redis.RedisError as exc:
            raise ServiceUnavailable() from exc


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value

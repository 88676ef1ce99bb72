"""Keyed hashes (HMAC-SHA256) for looking up values that are stored encrypted, and SHA-256
digests of high-entropy tokens (refresh jti, reset links, backup codes)."""

from __future__ import annotations

import hashlib
import hmac


class LookupHasher:
    def __init__(self, key: str) -> None:
        self._key = key.encode()

    def __call__(self, value: str) -> str:
        return hmac.new(self._key, value.encode(), hashlib.sha256).hexdigest()


def token_digest(token: str) -> str:
    """Tokens carry 128+ bits of randomness, so an unsalted SHA-256 is enough to store them."""
    return hashlib.sha256(token.encode()).hexdigest()

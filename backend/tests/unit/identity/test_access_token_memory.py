"""Each worker remembers the access tokens it has verified: a repeat is answered from
memory, but never past its expiry, never for another token type, never for a token that
differs by one character, and never beyond the memory's size."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

import pytest

from elcorp.identity.domain.errors import TokenExpired, TokenInvalid
from elcorp.identity.infrastructure.tokens import LEEWAY_S, JwtTokenService

SECRET = "unit-test-secret-of-at-least-thirty-two-bytes"


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def service(clock: Clock, memory: int = 16) -> JwtTokenService:
    return JwtTokenService(
        keys=[("k1", SECRET)],
        algorithm="HS256",
        issuer="elcorp-test",
        audience="elcorp-api",
        access_ttl=900,
        refresh_ttl=3600,
        clock=clock,
        memory=memory,
    )


def access_token(tokens: JwtTokenService) -> str:
    return tokens.issue_access(uuid.uuid4(), uuid.uuid4(), datetime.now(UTC), mfa=False).token


def test_a_remembered_token_is_answered_with_the_same_claims():
    tokens = service(Clock())
    token = access_token(tokens)
    assert tokens.decode(token, "access") == tokens.decode(token, "access")


def test_a_remembered_token_still_expires():
    clock = Clock()
    tokens = service(clock)
    token = access_token(tokens)
    claims = tokens.decode(token, "access")
    clock.now = claims.expires_at + LEEWAY_S + 1
    with pytest.raises(TokenExpired):
        tokens.decode(token, "access")


def test_a_remembered_access_token_is_never_taken_as_a_refresh_token():
    tokens = service(Clock())
    token = access_token(tokens)
    tokens.decode(token, "access")
    with pytest.raises(TokenInvalid):
        tokens.decode(token, "refresh")


def test_a_token_one_character_away_from_a_remembered_one_is_verified_and_refused():
    tokens = service(Clock())
    token = access_token(tokens)
    tokens.decode(token, "access")
    head, payload, signature = token.split(".")
    forged = ".".join([head, payload, ("A" if signature[0] != "A" else "B") + signature[1:]])
    with pytest.raises(TokenInvalid):
        tokens.decode(forged, "access")


def test_the_memory_keeps_only_the_newest_tokens_up_to_its_size():
    clock = Clock()
    tokens = service(clock, memory=2)
    first, second, third = (access_token(tokens) for _ in range(3))
    for token in (first, second, third):
        tokens.decode(token, "access")
    # Answers from memory follow this clock, a fresh verification PyJWT's own: with this
    # clock before every token's nbf, only the remembered ones are refused.
    clock.now = 0.0
    for remembered in (second, third):
        with pytest.raises(TokenInvalid):
            tokens.decode(remembered, "access")
    assert tokens.decode(first, "access").subject  # forgotten, so verified afresh

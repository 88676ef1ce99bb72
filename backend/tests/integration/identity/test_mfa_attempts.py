"""An `mfa_token` allows MFA_TOKEN_MAX_ATTEMPTS codes, however many requests race on it:
each exchange reserves an attempt atomically in Redis before the code is checked, so a
burst of parallel guesses cannot get more codes evaluated than the limit."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from elcorp.identity.infrastructure.challenges import RedisMfaChallenges
from elcorp.main import create_app
from support.committed import committed_container
from support.identity import enable_mfa, login, signed_in, totp_now

PARALLEL = 25
ROUNDS = 3


def run_together(count: int, action) -> list:
    barrier = threading.Barrier(count)

    def one(i: int):
        barrier.wait()
        return action(i)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


def wrong_code(secret: str) -> str:
    accepted = {totp_now(secret, offset_steps=k) for k in range(-2, 3)}
    return next(c for c in ("000000", "111111", "222222", "333333", "444444") if c not in accepted)


@pytest.fixture
def committed(server_urls, settings, redis_client):
    # The account lockout is set out of reach: the token's own limit must hold by itself.
    unlocked = settings.model_copy(
        update={"LOGIN_MAX_CONSECUTIVE_FAILURES": 10_000, "LOGIN_ACCOUNT_MAX_FAILURES_PER_HOUR": 10_000}
    )
    with committed_container(
        server_urls[0], unlocked, redis_client, prefix="elcorp_mfa_attempts", pool_size=PARALLEL + 4
    ) as container:
        yield container, create_app(container=container).test_client()


def test_parallel_attempts_on_one_challenge_get_at_most_the_maximum(redis_client, settings):
    challenges = RedisMfaChallenges(redis_client, ttl=60, max_attempts=settings.MFA_TOKEN_MAX_ATTEMPTS)
    user_id, device_id = uuid.uuid4(), uuid.uuid4()
    token = challenges.create(user_id, device_id, "phone")

    granted = run_together(PARALLEL, lambda _: challenges.begin_attempt(token))

    allowed = [p for p in granted if p is not None]
    assert len(allowed) == settings.MFA_TOKEN_MAX_ATTEMPTS
    assert {(p.user_id, p.device_id, p.device_name) for p in allowed} == {(user_id, device_id, "phone")}
    assert challenges.begin_attempt(token) is None  # dead
    assert challenges.take(token) is False


def test_25_parallel_wrong_codes_on_one_mfa_token_evaluate_at_most_the_maximum(committed, settings):
    _, client = committed
    user = signed_in(client)
    backups = enable_mfa(client, user)
    guess = wrong_code(user.totp_secret)

    for _ in range(ROUNDS):
        token = login(client, user).get_json()["data"]["mfa_token"]

        responses = run_together(
            PARALLEL,
            lambda _, token=token: client.post(
                "/api/v1/auth/mfa/verify", json={"mfa_token": token, "code": guess}
            ),
        )

        outcomes = Counter((r.status_code, r.get_json()["error"]["code"]) for r in responses)
        # AUTH_005: a wrong code was checked; AUTH_003: the token was out of attempts.
        assert set(outcomes) == {(401, "AUTH_005"), (401, "AUTH_003")}, outcomes
        assert outcomes[(401, "AUTH_005")] == settings.MFA_TOKEN_MAX_ATTEMPTS, outcomes
        right = client.post("/api/v1/auth/mfa/verify", json={"mfa_token": token, "code": backups[0]})
        assert right.status_code == 401
        assert right.get_json()["error"]["code"] == "AUTH_003"

"""POST /api/v1/auth/login: tokens, no user enumeration, lockout with growing backoff,
per-IP throttling, rehash on parameter change."""

from __future__ import annotations

import uuid

import jwt
from sqlalchemy import text

from support.identity import login, register


def test_login_by_email_or_username_returns_a_bearer_token_pair(client):
    user = register(client)
    by_email = login(client, user)
    assert by_email.status_code == 200
    data = by_email.get_json()["data"]
    assert set(data) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert data["token_type"] == "Bearer"
    assert data["expires_in"] == 900
    assert by_email.headers["Cache-Control"] == "no-store"
    by_username = client.post(
        "/api/v1/auth/login",
        json={"username": user.username, "password": user.password, "device_id": str(uuid.uuid4())},
    )
    assert by_username.status_code == 200


def test_access_token_carries_the_required_claims_and_headers(client, settings):
    user = register(client)
    token = login(client, user).get_json()["data"]["access_token"]
    header = jwt.get_unverified_header(token)
    assert header["typ"] == "at+jwt"
    assert header["alg"] == "HS256"
    assert header["kid"]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert {"sub", "type", "jti", "device_id", "iat", "exp", "iss", "aud"} <= set(claims)
    assert claims["type"] == "access"
    assert claims["sub"] == user.id
    assert claims["device_id"] == user.device_id
    assert claims["exp"] - claims["iat"] <= 900 + 1


def test_unknown_user_wrong_password_and_locked_account_get_the_same_answer(client, container):
    user = register(client)
    unknown = client.post(
        "/api/v1/auth/login",
        json={"email": "nobody@example.na", "password": "whatever-Pass-1!", "device_id": str(uuid.uuid4())},
    )
    wrong = login(client, user, password="Wrong-Password-99!")
    for _ in range(5):
        login(client, user, password="Wrong-Password-99!")
    locked = login(client, user)  # right password, but locked
    bodies = [r.get_json()["error"] for r in (unknown, wrong, locked)]
    assert {r.status_code for r in (unknown, wrong, locked)} == {401}
    assert {b["code"] for b in bodies} == {"AUTH_001"}
    assert len({b["message"] for b in bodies}) == 1


def test_unknown_user_costs_one_argon2_verification_like_a_real_one(client, container, monkeypatch):
    hasher = container.identity.auth.d.hasher
    calls = []
    original = hasher.burn
    monkeypatch.setattr(hasher, "burn", lambda password: (calls.append(1), original(password)))
    client.post(
        "/api/v1/auth/login",
        json={"email": "ghost@example.na", "password": "whatever-Pass-1!", "device_id": str(uuid.uuid4())},
    )
    assert calls == [1]


def test_five_consecutive_failures_lock_the_account_with_growing_backoff(client, container, redis_client):
    user = register(client)
    for _ in range(4):
        assert login(client, user, password="Wrong-Password-99!").status_code == 401
    assert login(client, user).status_code == 200  # a success resets the count
    for _ in range(5):
        login(client, user, password="Wrong-Password-99!")
    assert login(client, user).status_code == 401
    lock_key = f"login:lock:{user.id}"
    first_lock = redis_client.ttl(lock_key)
    assert 55 <= first_lock <= 60

    redis_client.delete(lock_key)  # the backoff has passed
    for _ in range(5):
        login(client, user, password="Wrong-Password-99!")
    second_lock = redis_client.ttl(lock_key)
    assert 115 <= second_lock <= 120  # twice as long

    redis_client.delete(lock_key)
    assert login(client, user).status_code == 200


def test_lockout_is_audited_and_the_owner_is_emailed(client, container, settings):
    user = register(client)
    for _ in range(5):
        login(client, user, password="Wrong-Password-99!")
    with container.session_factory() as session:
        actions = (
            session.execute(
                text("SELECT action FROM audit_log WHERE resource_id = :id ORDER BY occurred_at"),
                {"id": user.id},
            )
            .scalars()
            .all()
        )
        events = (
            session.execute(
                text("SELECT payload FROM outbox_message WHERE event_type = 'identity.AccountLocked'")
            )
            .scalars()
            .all()
        )
    assert actions.count("auth.login_failed") == 5
    assert "auth.account_locked" in actions
    assert any(p["user_id"] == user.id for p in events)
    container.outbox.dispatch_pending()
    mails = [p.read_text() for p in (settings.VAR_DIR / "mail").glob("*.eml")]
    assert any(user.email in m and "paused sign-in" in m for m in mails)


def test_ten_failures_in_an_hour_lock_even_when_never_five_in_a_row(client, redis_client):
    user = register(client)
    for _ in range(3):
        for _ in range(3):
            login(client, user, password="Wrong-Password-99!")
        redis_client.delete(f"login:fail:{user.id}")  # an attacker pacing guesses below 5 in a row
    assert login(client, user, password="Wrong-Password-99!").status_code == 401  # the 10th this hour
    assert redis_client.exists(f"login:lock:{user.id}")
    assert login(client, user).status_code == 401  # locked: the right password is refused too


def test_a_success_resets_the_hourly_failure_count(client, redis_client):
    user = register(client)
    for _ in range(4):
        login(client, user, password="Wrong-Password-99!")
    assert login(client, user).status_code == 200
    assert not redis_client.exists(f"login:hourfail:{user.id}")


def test_failed_logins_from_one_ip_are_throttled_without_locking_others(
    client, settings, engine, session_factory, redis_client
):
    from elcorp.bootstrap import bootstrap
    from elcorp.main import create_app

    tight = settings.model_copy(update={"LOGIN_IP_MAX_FAILURES": "3/hour"})
    container = bootstrap(tight, engine=engine, session_factory=session_factory, redis_client=redis_client)
    app_client = create_app(container=container).test_client()
    victim = register(app_client)
    for n in range(3):
        app_client.post(
            "/api/v1/auth/login",
            json={
                "email": f"spray{n}@example.na",
                "password": "Spray-Pass-123!",
                "device_id": str(uuid.uuid4()),
            },
            environ_base={"REMOTE_ADDR": "203.0.113.9"},
        )
    throttled = app_client.post(
        "/api/v1/auth/login",
        json={"email": victim.email, "password": victim.password, "device_id": victim.device_id},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    assert throttled.status_code == 429
    assert throttled.get_json()["error"]["code"] == "RATE_002"
    assert int(throttled.headers["Retry-After"]) > 0
    from_elsewhere = app_client.post(
        "/api/v1/auth/login",
        json={"email": victim.email, "password": victim.password, "device_id": victim.device_id},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert from_elsewhere.status_code == 200


def test_password_hash_is_upgraded_on_login_when_parameters_change(client, container):
    from elcorp.identity.infrastructure.passwords import Argon2PasswordHasher

    user = register(client)
    stronger = Argon2PasswordHasher(time_cost=2, memory_kib=2048, parallelism=1)
    container.identity.auth.d.__dict__["hasher"] = stronger  # frozen dataclass: swap for this test
    assert login(client, user).status_code == 200
    with container.session_factory() as session:
        stored = session.execute(
            text("SELECT password_hash FROM user_account WHERE id = :id"), {"id": user.id}
        ).scalar()
    assert "m=2048,t=2" in stored
    assert login(client, user).status_code == 200


def test_either_email_or_username_but_not_both(client):
    user = register(client)
    both = client.post(
        "/api/v1/auth/login",
        json={
            "email": user.email,
            "username": user.username,
            "password": user.password,
            "device_id": user.device_id,
        },
    )
    neither = client.post("/api/v1/auth/login", json={"password": user.password, "device_id": user.device_id})
    assert both.status_code == neither.status_code == 422


def test_no_password_or_token_reaches_the_audit_log(client, container):
    user = register(client)
    login(client, user)
    login(client, user, password="Wrong-Password-99!")
    with container.session_factory() as session:
        dump = " ".join(str(r) for r in session.execute(text("SELECT * FROM audit_log")).all())
    assert user.password not in dump
    assert "Wrong-Password-99!" not in dump
    assert "eyJ" not in dump  # no JWT

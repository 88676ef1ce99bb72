"""Two-factor authentication: TOTP enrolment, the MFA login step, backup codes, replay and
brute-force protection, disabling, and how secrets and codes are stored."""

from __future__ import annotations

import uuid

import pyotp
from sqlalchemy import text

from support.identity import (
    enable_mfa,
    grant_roles,
    login,
    sign_in_with_mfa,
    signed_in,
    totp_now,
)


def wrong_code(secret: str) -> str:
    """A six-digit code that matches none of the steps the server accepts right now."""
    accepted = {totp_now(secret, offset_steps=k) for k in range(-2, 3)}
    return next(c for c in ("000000", "111111", "222222", "333333", "444444", "555555") if c not in accepted)


def mfa_challenge(client, user) -> str:
    response = login(client, user)
    assert response.status_code == 200, response.get_json()
    data = response.get_json()["data"]
    assert data["mfa_required"] is True
    return data["mfa_token"]


def verify(client, mfa_token: str, code: str):
    return client.post("/api/v1/auth/mfa/verify", json={"mfa_token": mfa_token, "code": code})


def me(client, user):
    return client.get("/api/v1/me", headers=user.auth)


# -- setup and enrolment ------------------------------------------------------------------
def test_setup_returns_a_secret_an_otpauth_uri_and_an_svg_qr_code(client):
    user = signed_in(client)

    response = client.post("/api/v1/auth/mfa/setup", headers=user.auth)

    assert response.status_code == 200
    data = response.get_json()["data"]
    assert data["secret"]
    pyotp.TOTP(data["secret"]).now()  # a valid base32 secret
    assert data["otpauth_uri"].startswith("otpauth://totp/")
    assert data["secret"] in data["otpauth_uri"]
    assert "<svg" in data["qr_svg"]


def test_enable_with_a_wrong_code_is_refused_and_mfa_stays_off(client):
    user = signed_in(client)
    secret = client.post("/api/v1/auth/mfa/setup", headers=user.auth).get_json()["data"]["secret"]

    response = client.post(
        "/api/v1/auth/mfa/enable",
        headers=user.auth,
        json={"code": wrong_code(secret), "password": user.password},
    )

    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "AUTH_005"
    assert me(client, user).get_json()["data"]["mfa_enabled"] is False
    assert "access_token" in login(client, user).get_json()["data"]


def test_enable_returns_exactly_ten_distinct_backup_codes(client):
    user = signed_in(client)

    codes = enable_mfa(client, user)

    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert me(client, user).get_json()["data"]["mfa_enabled"] is True


def test_setup_when_mfa_is_already_enabled_is_a_conflict(client):
    user = signed_in(client)
    enable_mfa(client, user)

    response = client.post("/api/v1/auth/mfa/setup", headers=user.auth)

    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "AUTH_009"


# -- the MFA login step -------------------------------------------------------------------
def test_login_with_mfa_enabled_returns_an_mfa_token_and_no_access_token(client):
    user = signed_in(client)
    enable_mfa(client, user)

    response = login(client, user)

    assert response.status_code == 200
    data = response.get_json()["data"]
    assert data["mfa_required"] is True
    assert data["mfa_token"]
    assert "access_token" not in data
    assert "refresh_token" not in data


def test_verify_with_a_valid_totp_code_returns_a_token_pair(client):
    user = signed_in(client)
    enable_mfa(client, user)
    token = mfa_challenge(client, user)

    response = verify(client, token, totp_now(user.totp_secret, offset_steps=1))

    assert response.status_code == 200
    data = response.get_json()["data"]
    assert {"access_token", "refresh_token", "token_type", "expires_in"} <= set(data)
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {data['access_token']}"}).status_code
        == 200
    )


def test_a_totp_code_replayed_on_a_second_login_is_refused(client):
    user = signed_in(client)
    enable_mfa(client, user)
    code = totp_now(user.totp_secret, offset_steps=1)
    assert verify(client, mfa_challenge(client, user), code).status_code == 200

    response = verify(client, mfa_challenge(client, user), code)

    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "AUTH_005"


def test_a_backup_code_works_once_only(client):
    user = signed_in(client)
    backup = enable_mfa(client, user)[0]
    first = verify(client, mfa_challenge(client, user), backup)
    assert first.status_code == 200

    second = verify(client, mfa_challenge(client, user), backup)

    assert second.status_code == 401
    assert second.get_json()["error"]["code"] == "AUTH_005"


def test_an_mfa_token_is_spent_by_its_first_successful_use(client):
    user = signed_in(client)
    backups = enable_mfa(client, user)
    token = mfa_challenge(client, user)
    assert verify(client, token, backups[0]).status_code == 200

    reused = verify(client, token, backups[1])

    assert reused.status_code == 401
    assert reused.get_json()["error"]["code"] == "AUTH_003"


def test_an_mfa_token_dies_after_the_maximum_number_of_wrong_codes(client, settings):
    user = signed_in(client)
    backups = enable_mfa(client, user)
    token = mfa_challenge(client, user)
    for _ in range(settings.MFA_TOKEN_MAX_ATTEMPTS):
        wrong = verify(client, token, wrong_code(user.totp_secret))
        assert wrong.status_code == 401
        assert wrong.get_json()["error"]["code"] == "AUTH_005"

    right = verify(client, token, backups[0])

    assert right.status_code == 401
    assert right.get_json()["error"]["code"] == "AUTH_003"


def test_an_unknown_mfa_token_is_refused(client):
    user = signed_in(client)
    enable_mfa(client, user)

    response = verify(client, "not-a-real-mfa-token-" + uuid.uuid4().hex, totp_now(user.totp_secret, 1))

    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "AUTH_003"


# -- disabling and backup codes -----------------------------------------------------------
def test_disable_with_a_wrong_password_is_refused(client):
    user = signed_in(client)
    enable_mfa(client, user)

    response = client.post(
        "/api/v1/auth/mfa/disable",
        headers=user.auth,
        json={"password": "Wrong-Password-99!", "code": totp_now(user.totp_secret, 1)},
    )

    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "AUTH_001"
    assert me(client, user).get_json()["data"]["mfa_enabled"] is True


def test_disable_with_a_wrong_code_is_refused(client):
    user = signed_in(client)
    enable_mfa(client, user)

    response = client.post(
        "/api/v1/auth/mfa/disable",
        headers=user.auth,
        json={"password": user.password, "code": wrong_code(user.totp_secret)},
    )

    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "AUTH_005"
    assert me(client, user).get_json()["data"]["mfa_enabled"] is True


def test_disable_with_password_and_code_turns_the_mfa_step_off(client):
    user = signed_in(client)
    enable_mfa(client, user)

    response = client.post(
        "/api/v1/auth/mfa/disable",
        headers=user.auth,
        json={"password": user.password, "code": totp_now(user.totp_secret, offset_steps=1)},
    )

    assert response.status_code == 200
    assert response.get_json()["data"]["mfa_enabled"] is False
    data = login(client, user).get_json()["data"]
    assert "access_token" in data
    assert "mfa_required" not in data


def test_regenerating_backup_codes_requires_the_password(client):
    user = signed_in(client)
    enable_mfa(client, user)

    response = client.post(
        "/api/v1/auth/mfa/backup-codes", headers=user.auth, json={"password": "Wrong-Password-99!"}
    )

    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "AUTH_001"


def test_regenerating_backup_codes_invalidates_the_old_ones(client):
    user = signed_in(client)
    old = enable_mfa(client, user)

    response = client.post(
        "/api/v1/auth/mfa/backup-codes", headers=user.auth, json={"password": user.password}
    )

    assert response.status_code == 200
    new = response.get_json()["data"]["backup_codes"]
    assert len(new) == 10
    assert not set(new) & set(old)
    refused = verify(client, mfa_challenge(client, user), old[0])
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "AUTH_005"
    assert verify(client, mfa_challenge(client, user), new[0]).status_code == 200


# -- privileged roles ---------------------------------------------------------------------
def test_an_admin_without_mfa_is_refused_until_signing_in_with_a_second_factor(client, container):
    admin = signed_in(client)
    grant_roles(container, admin, "admin")

    refused = client.get("/api/v1/users", headers=admin.auth)

    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "AUTH_006"
    enable_mfa(client, admin)
    sign_in_with_mfa(client, admin, totp_now(admin.totp_secret, offset_steps=1))
    allowed = client.get("/api/v1/users", headers=admin.auth)
    assert allowed.status_code == 200


# -- storage ------------------------------------------------------------------------------
def test_the_totp_secret_is_stored_encrypted(client, container):
    user = signed_in(client)
    enable_mfa(client, user)

    with container.session_factory() as s:
        stored = s.execute(
            text("SELECT mfa_secret_encrypted FROM user_account WHERE id = :id"), {"id": user.id}
        ).scalar_one()

    assert stored
    assert user.totp_secret not in stored
    assert user.totp_secret.lower() not in stored.lower()


def test_backup_codes_are_not_stored_in_clear(client, container):
    user = signed_in(client)
    codes = enable_mfa(client, user)

    with container.session_factory() as s:
        hashes = (
            s.execute(text("SELECT code_hash FROM mfa_backup_code WHERE user_id = :id"), {"id": user.id})
            .scalars()
            .all()
        )

    assert len(hashes) == 10
    for code in codes:
        bare = code.replace("-", "").lower()
        for stored in hashes:
            assert code.lower() not in stored.lower()
            assert bare not in stored.lower()


def test_a_pending_mfa_login_cannot_be_completed_once_the_account_is_locked(client, container):
    from support.identity import enable_mfa, login, signed_in, totp_now

    user = signed_in(client)
    enable_mfa(client, user)
    pending = login(client, user).get_json()["data"]["mfa_token"]
    for _ in range(5):
        login(client, user, password="Wrong-Password-99!")
    response = client.post(
        "/api/v1/auth/mfa/verify",
        json={"mfa_token": pending, "code": totp_now(user.totp_secret, offset_steps=1)},
    )
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "AUTH_001"


def test_enabling_mfa_needs_the_password_so_a_stolen_token_cannot_lock_the_owner_out(client):
    from support.identity import signed_in, totp_now

    user = signed_in(client)
    secret = client.post("/api/v1/auth/mfa/setup", headers=user.auth).get_json()["data"]["secret"]
    without = client.post("/api/v1/auth/mfa/enable", headers=user.auth, json={"code": totp_now(secret)})
    assert without.status_code == 422
    wrong = client.post(
        "/api/v1/auth/mfa/enable",
        headers=user.auth,
        json={"code": totp_now(secret), "password": "Guess-Guess-1!"},
    )
    assert wrong.status_code == 401
    assert client.get("/api/v1/me", headers=user.auth).get_json()["data"]["mfa_enabled"] is False


def test_guessing_codes_with_a_known_password_still_locks_the_account(client, redis_client):
    from support.identity import enable_mfa, login, signed_in

    user = signed_in(client)
    enable_mfa(client, user)
    for _ in range(5):
        token = login(client, user).get_json()["data"]["mfa_token"]  # the password is right each time
        client.post("/api/v1/auth/mfa/verify", json={"mfa_token": token, "code": "000000"})
    assert redis_client.exists(f"login:lock:{user.id}")
    assert login(client, user).status_code == 401

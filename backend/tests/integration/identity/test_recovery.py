"""Account recovery and email verification: forgot-password without enumeration, single-use
reset and verification links delivered by email (through the outbox), what a reset ends
and enforces, and that no raw link token is stored in the outbox."""

from __future__ import annotations

import email
import email.policy
import uuid
from pathlib import Path

from sqlalchemy import text

from support.identity import OTHER_PASSWORD, login, register, signed_in

RESET_SUBJECT = "Reset your password"
VERIFY_SUBJECT = "Confirm your email address"


# -- helpers ------------------------------------------------------------------------------
def mails_to(settings, address: str, subject: str | None = None) -> list[email.message.EmailMessage]:
    """Messages written for `address` (optionally with this subject), newest first."""
    directory = Path(settings.VAR_DIR) / "mail"
    if not directory.exists():
        return []
    found = []
    for path in directory.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if str(message["To"]).strip().lower() != address.lower():
            continue
        if subject is not None and str(message["Subject"]) != subject:
            continue
        found.append((path.stat().st_mtime_ns, message))
    return [m for _, m in sorted(found, key=lambda pair: pair[0], reverse=True)]


def token_in(message: email.message.EmailMessage) -> str:
    """The code: the first indented line after the line that mentions 'code'."""
    lines = message.get_content().splitlines()
    start = next(i for i, line in enumerate(lines) if "code" in line.lower())
    return next(line.strip() for line in lines[start + 1 :] if line.startswith("    ") and line.strip())


def latest_token(settings, address: str, subject: str) -> str:
    messages = mails_to(settings, address, subject)
    assert messages, f"no {subject!r} email for {address}"
    return token_in(messages[0])


def request_reset(client, container, settings, user) -> str:
    response = client.post("/api/v1/auth/password/forgot", json={"email": user.email})
    assert response.status_code == 202, response.get_json()
    container.outbox.dispatch_pending()
    return latest_token(settings, user.email, RESET_SUBJECT)


def reset(client, token: str, new_password: str = OTHER_PASSWORD):
    return client.post("/api/v1/auth/password/reset", json={"token": token, "new_password": new_password})


def unknown_address() -> str:
    return f"nobody.{uuid.uuid4().hex[:10]}@example.na"


# -- forgot password ----------------------------------------------------------------------
def test_forgot_password_answers_the_same_for_a_registered_and_an_unknown_email(client):
    user = register(client)

    known = client.post("/api/v1/auth/password/forgot", json={"email": user.email})
    unknown = client.post("/api/v1/auth/password/forgot", json={"email": unknown_address()})

    assert known.status_code == unknown.status_code == 202
    assert known.get_json()["status"] == unknown.get_json()["status"] == "success"
    assert known.get_json()["data"] == unknown.get_json()["data"]
    assert known.get_json()["meta"] == unknown.get_json()["meta"]


def test_forgot_password_for_a_registered_email_sends_a_reset_email_with_a_token(client, container, settings):
    user = register(client)

    client.post("/api/v1/auth/password/forgot", json={"email": user.email})
    container.outbox.dispatch_pending()

    messages = mails_to(settings, user.email, RESET_SUBJECT)
    assert len(messages) == 1
    token = token_in(messages[0])
    assert len(token) >= 20


def test_forgot_password_for_an_unknown_email_sends_nothing(client, container, settings):
    address = unknown_address()

    client.post("/api/v1/auth/password/forgot", json={"email": address})
    container.outbox.dispatch_pending()

    assert mails_to(settings, address) == []


# -- reset --------------------------------------------------------------------------------
def test_reset_with_the_emailed_token_sets_the_new_password(client, container, settings):
    user = register(client)
    token = request_reset(client, container, settings, user)

    response = reset(client, token)

    assert response.status_code == 200
    assert response.get_json()["data"]["password_reset"] is True
    assert login(client, user, password=OTHER_PASSWORD).status_code == 200
    old = login(client, user)
    assert old.status_code == 401
    assert old.get_json()["error"]["code"] == "AUTH_001"


def test_a_reset_token_works_only_once(client, container, settings):
    user = register(client)
    token = request_reset(client, container, settings, user)
    assert reset(client, token).status_code == 200

    second = reset(client, token, "Namib-Dune-Oryx-4455!")

    assert second.status_code == 400
    assert second.get_json()["error"]["code"] == "AUTH_008"


def test_a_garbage_reset_token_is_refused(client):
    response = reset(client, "garbage-token-" + uuid.uuid4().hex)

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "AUTH_008"


def test_reset_revokes_existing_access_tokens(client, container, settings):
    user = signed_in(client)
    assert client.get("/api/v1/me", headers=user.auth).status_code == 200
    token = request_reset(client, container, settings, user)

    assert reset(client, token).status_code == 200

    after = client.get("/api/v1/me", headers=user.auth)
    assert after.status_code == 401


def test_reset_clears_a_sign_in_lockout(client, container, settings):
    user = register(client)
    for _ in range(5):
        login(client, user, password="Wrong-Password-99!")
    assert login(client, user).status_code == 401  # locked, even with the right password
    token = request_reset(client, container, settings, user)

    assert reset(client, token).status_code == 200

    assert login(client, user, password=OTHER_PASSWORD).status_code == 200


def test_reset_to_the_current_password_is_refused_by_the_history_rule(client, container, settings):
    user = register(client)
    token = request_reset(client, container, settings, user)

    response = reset(client, token, user.password)

    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "VAL_008"


def test_reset_to_a_weak_password_is_refused_by_the_policy(client, container, settings):
    user = register(client)
    token = request_reset(client, container, settings, user)

    response = reset(client, token, "password1234")

    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "VAL_007"


# -- email verification -------------------------------------------------------------------
def test_registration_sends_a_verification_email(client, container, settings):
    user = register(client)

    container.outbox.dispatch_pending()

    messages = mails_to(settings, user.email, VERIFY_SUBJECT)
    assert len(messages) == 1
    assert len(token_in(messages[0])) >= 20


def test_verifying_with_the_emailed_token_marks_the_email_verified(client, container, settings):
    user = signed_in(client)
    assert client.get("/api/v1/me", headers=user.auth).get_json()["data"]["email_verified"] is False
    container.outbox.dispatch_pending()
    token = latest_token(settings, user.email, VERIFY_SUBJECT)

    response = client.post("/api/v1/auth/verify-email", json={"token": token})

    assert response.status_code == 200
    assert client.get("/api/v1/me", headers=user.auth).get_json()["data"]["email_verified"] is True


def test_a_verification_token_works_only_once(client, container, settings):
    user = register(client)
    container.outbox.dispatch_pending()
    token = latest_token(settings, user.email, VERIFY_SUBJECT)
    assert client.post("/api/v1/auth/verify-email", json={"token": token}).status_code == 200

    again = client.post("/api/v1/auth/verify-email", json={"token": token})

    assert again.status_code == 400
    assert again.get_json()["error"]["code"] == "AUTH_008"


# -- no secrets in the outbox -------------------------------------------------------------
def test_outbox_payloads_of_registration_and_reset_request_hold_no_token(client, container, settings):
    user = register(client)
    client.post("/api/v1/auth/password/forgot", json={"email": user.email})
    container.outbox.dispatch_pending()
    tokens = [
        latest_token(settings, user.email, VERIFY_SUBJECT),
        latest_token(settings, user.email, RESET_SUBJECT),
    ]

    with container.session_factory() as s:
        rows = s.execute(
            text(
                "SELECT event_type, payload::text AS payload FROM outbox_message "
                "WHERE event_type IN ('identity.UserRegistered', 'identity.PasswordResetRequested') "
                "AND payload->>'user_id' = :id"
            ),
            {"id": user.id},
        ).all()

    assert {r.event_type for r in rows} == {"identity.UserRegistered", "identity.PasswordResetRequested"}
    for row in rows:
        assert "token" not in row.payload.lower()
        for token in tokens:
            assert token not in row.payload

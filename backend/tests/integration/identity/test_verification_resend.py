"""POST /api/v1/auth/verification/resend: a new verification mail, asked for by address (the
same 202 whether or not an account has it) or by the signed-in caller; the new code voids
the old one; AUTH_008 names the route."""

from __future__ import annotations

import uuid

from integration.identity.test_recovery import VERIFY_SUBJECT, latest_token, mails_to
from support.identity import register, signed_in

RESEND = "/api/v1/auth/verification/resend"


def unknown_address() -> str:
    return f"nobody.{uuid.uuid4().hex[:10]}@example.na"


def test_resend_by_address_mails_a_new_code_that_voids_the_first(client, container, settings):
    user = register(client)
    container.outbox.dispatch_pending()
    first = latest_token(settings, user.email, VERIFY_SUBJECT)

    response = client.post(RESEND, json={"email": user.email.upper()})
    container.outbox.dispatch_pending()

    assert response.status_code == 202
    assert len(mails_to(settings, user.email, VERIFY_SUBJECT)) == 2
    second = latest_token(settings, user.email, VERIFY_SUBJECT)
    assert second != first
    refused = client.post("/api/v1/auth/verify-email", json={"token": first})
    assert refused.status_code == 400
    assert client.post("/api/v1/auth/verify-email", json={"token": second}).status_code == 200


def test_resend_answers_the_same_for_a_registered_and_an_unknown_address(client, container, settings):
    user = register(client)
    address = unknown_address()

    known = client.post(RESEND, json={"email": user.email})
    unknown = client.post(RESEND, json={"email": address})
    container.outbox.dispatch_pending()

    assert known.status_code == unknown.status_code == 202
    assert known.get_json()["data"] == unknown.get_json()["data"]
    assert known.get_json()["meta"] == unknown.get_json()["meta"]
    assert mails_to(settings, address) == []


def test_resend_for_the_signed_in_caller_needs_no_body(client, container, settings):
    user = signed_in(client)
    container.outbox.dispatch_pending()

    response = client.post(RESEND, headers=user.auth)
    container.outbox.dispatch_pending()

    assert response.status_code == 202
    token = latest_token(settings, user.email, VERIFY_SUBJECT)
    assert client.post("/api/v1/auth/verify-email", json={"token": token}).status_code == 200
    assert client.get("/api/v1/me", headers=user.auth).get_json()["data"]["email_verified"] is True


def test_a_verified_address_gets_no_new_mail(client, container, settings):
    user = register(client)
    container.outbox.dispatch_pending()
    client.post(
        "/api/v1/auth/verify-email", json={"token": latest_token(settings, user.email, VERIFY_SUBJECT)}
    )

    response = client.post(RESEND, json={"email": user.email})
    container.outbox.dispatch_pending()

    assert response.status_code == 202
    assert len(mails_to(settings, user.email, VERIFY_SUBJECT)) == 1


def test_without_an_address_or_a_token_the_caller_is_asked_to_authenticate(client):
    response = client.post(RESEND, json={})

    assert response.status_code == 401
    error = response.get_json()["error"]
    assert error["code"] == "AUTH_004"
    assert "email" in error["message"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_malformed_address_is_a_422_naming_email(client):
    response = client.post(RESEND, json={"email": "not-an-address"})

    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "VAL_005"
    assert [d["field"] for d in error["details"]] == ["email"]


def test_a_refused_token_without_an_address_is_a_401(client):
    response = client.post(RESEND, headers={"Authorization": "Bearer not-a-jwt"})

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_unusable_verification_code_names_the_resend_route(client):
    response = client.post("/api/v1/auth/verify-email", json={"token": "x" * 40})

    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "AUTH_008"
    assert "POST /api/v1/auth/verification/resend" in error["message"]


def test_the_resend_route_is_documented_with_optional_bearer_auth(client):
    operation = client.get("/api/v1/openapi.json").get_json()["paths"][RESEND]["post"]

    assert operation["operationId"] == "resendVerificationEmail"
    assert {} in operation["security"] and {"bearerAuth": []} in operation["security"]
    assert "202" in operation["responses"]

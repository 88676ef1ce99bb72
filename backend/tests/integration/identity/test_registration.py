"""POST /api/v1/auth/register: the client's rules, no mass assignment, UserRegistered."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from support.factories.identity import RegistrationBodyFactory


def test_registration_creates_an_active_user_with_the_user_role_and_a_wallet_address(client):
    response = client.post("/api/v1/auth/register", json=RegistrationBodyFactory(organization="Elcorp"))
    assert response.status_code == 201
    data = response.get_json()["data"]
    assert data["roles"] == ["user"]
    assert data["status"] == "active"
    assert data["email_verified"] is False
    assert data["mfa_enabled"] is False
    assert data["organization"] == "Elcorp"
    assert len(data["wallet_address"]) == 36
    assert "password" not in str(data)


def test_registration_answers_the_new_users_url_in_location(client):
    body = RegistrationBodyFactory()
    response = client.post("/api/v1/auth/register", json=body)
    assert response.status_code == 201
    data = response.get_json()["data"]
    assert response.headers["Location"] == f"/api/v1/users/{data['id']}"
    signed = client.post(
        "/api/v1/auth/login",
        json={"username": body["username"], "password": body["password"], "device_id": str(uuid.uuid4())},
    ).get_json()["data"]
    own = client.get(
        response.headers["Location"], headers={"Authorization": f"Bearer {signed['access_token']}"}
    )
    assert own.status_code == 200
    assert own.get_json()["data"] == data  # one shape on create and read


def test_registration_emits_user_registered_through_the_outbox(client, container):
    data = client.post("/api/v1/auth/register", json=RegistrationBodyFactory()).get_json()["data"]
    with container.session_factory() as session:
        payload = session.execute(
            text("SELECT payload FROM outbox_message WHERE event_type = 'identity.UserRegistered'")
        ).scalar_one()
    assert payload["user_id"] == data["id"]
    assert payload["wallet_address"] == data["wallet_address"]


@pytest.mark.parametrize("field", ["role", "roles", "is_active", "email_verified", "status", "id"])
def test_privileged_fields_are_refused_mass_assignment(client, field):
    response = client.post("/api/v1/auth/register", json=RegistrationBodyFactory(**{field: "admin"}))
    assert response.status_code == 422
    assert field in {item["field"] for item in response.get_json()["error"]["details"]}


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"full_name": "A"}, "full_name"),
        ({"full_name": "x" * 101}, "full_name"),
        ({"email": "not-an-email"}, "email"),
        ({"phone": "12345"}, "phone"),
        ({"agreed_terms": False}, "agreed_terms"),
        ({"username": "a b"}, None),
    ],
)
def test_client_rules_are_enforced_with_422(client, override, field):
    response = client.post("/api/v1/auth/register", json=RegistrationBodyFactory(**override))
    assert response.status_code == 422
    body = response.get_json()
    assert body["status"] == "validation_error"
    if field:
        assert field in {item["field"] for item in body["error"]["details"]}


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Short1!a", "at least 12"),
        ("alllowercase-letters-1", "upper-case"),
        ("NoDigitsHere-Anywhere", "digit"),
        ("NoSpecialChars12345Ab", "special"),
        ("Password1234!", "commonly used"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(client, password, reason):
    response = client.post("/api/v1/auth/register", json=RegistrationBodyFactory(password=password))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "VAL_007"
    assert any(reason in item["message"].lower() for item in error["details"]), error


def test_password_containing_the_users_own_name_is_refused(client):
    body = RegistrationBodyFactory(full_name="Ndapewa Shikongo", password="Shikongo-Rocks-2026!")
    response = client.post("/api/v1/auth/register", json=body)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "VAL_007"


def test_a_huge_password_is_refused_before_any_hashing(client, container, monkeypatch):
    def no_hashing(*args, **kwargs):
        raise AssertionError("Argon2 must not run for an over-long password")

    monkeypatch.setattr(type(container.identity.accounts.d.hasher), "hash", no_hashing)
    response = client.post("/api/v1/auth/register", json=RegistrationBodyFactory(password="Aa1!" * 1000))
    assert response.status_code == 422
    assert "at most 128" in str(response.get_json()["error"]["details"])


def test_duplicate_email_username_or_phone_is_a_409(client):
    first = RegistrationBodyFactory()
    assert client.post("/api/v1/auth/register", json=first).status_code == 201
    again = RegistrationBodyFactory(
        email=first["email"].upper(), username=first["username"], phone=first["phone"]
    )
    response = client.post("/api/v1/auth/register", json=again)
    assert response.status_code == 409
    assert {d["field"] for d in response.get_json()["error"]["details"]} == {"email", "username", "phone"}


def test_phone_is_stored_encrypted_with_a_keyed_lookup_hash(client, container):
    body = RegistrationBodyFactory(phone="+264 81 555 0101")
    client.post("/api/v1/auth/register", json=body)
    with container.session_factory() as session:
        row = session.execute(
            text("SELECT phone_encrypted, phone_lookup FROM user_account WHERE username = :u"),
            {"u": body["username"]},
        ).one()
    assert "2648155501" not in row.phone_encrypted
    assert container.cipher.decrypt(row.phone_encrypted) == "+264815550101"
    assert "2648155501" not in row.phone_lookup and len(row.phone_lookup) == 64

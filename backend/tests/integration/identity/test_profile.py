"""GET/PATCH /api/v1/me and PATCH /api/v1/me/password."""

from __future__ import annotations

import itertools
import uuid

import pytest
from sqlalchemy import text

from support.identity import OTHER_PASSWORD, STRONG_PASSWORD, login, signed_in

ME_FIELDS = {
    "id",
    "username",
    "email",
    "full_name",
    "phone",
    "organization",
    "roles",
    "mfa_enabled",
    "email_verified",
    "wallet_address",
    "created_at",
}


def test_me_returns_the_documented_fields(client):
    user = signed_in(client)
    data = client.get("/api/v1/me", headers=user.auth).get_json()["data"]
    assert set(data) >= ME_FIELDS
    assert data["id"] == user.id
    assert data["roles"] == ["user"]


def test_me_without_a_token_is_401_auth_004(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "AUTH_004"


def test_profile_update_changes_only_name_phone_and_organization(client, container):
    user = signed_in(client)
    response = client.patch(
        "/api/v1/me",
        headers=user.auth,
        json={
            "full_name": "Ndapewa N. Shikongo",
            "phone": "+264 81 222 3344",
            "organization": "NamPost",
            "current_password": STRONG_PASSWORD,
        },
    )
    assert response.status_code == 200
    data = response.get_json()["data"]
    assert (data["full_name"], data["phone"], data["organization"]) == (
        "Ndapewa N. Shikongo",
        "+264812223344",
        "NamPost",
    )
    with container.session_factory() as session:
        changes = session.execute(
            text(
                "SELECT entry::jsonb -> 'changes' FROM audit_log "
                "WHERE action = 'user.profile_updated' AND resource_id = :id"
            ),
            {"id": user.id},
        ).scalar_one()
    assert changes["after"] == {"fields": ["full_name", "organization", "phone"]}
    assert "222" not in str(changes)  # personal values stay out of the audit trail


@pytest.mark.parametrize(
    "field",
    ["email", "username", "roles", "role", "status", "email_verified", "mfa_enabled", "wallet_address"],
)
def test_profile_update_refuses_every_other_field(client, field):
    user = signed_in(client)
    response = client.patch("/api/v1/me", headers=user.auth, json={field: "admin"})
    assert response.status_code == 422
    assert client.get("/api/v1/me", headers=user.auth).get_json()["data"]["roles"] == ["user"]


def test_password_change_needs_the_current_password(client):
    user = signed_in(client)
    response = client.patch(
        "/api/v1/me/password",
        headers=user.auth,
        json={"current_password": "Not-The-Password-1!", "new_password": OTHER_PASSWORD},
    )
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "AUTH_001"


def test_password_change_signs_out_other_devices_but_not_this_one(client):
    user = signed_in(client)
    other = login(client, user, device_id=str(uuid.uuid4())).get_json()["data"]
    response = client.patch(
        "/api/v1/me/password",
        headers=user.auth,
        json={"current_password": STRONG_PASSWORD, "new_password": OTHER_PASSWORD},
    )
    assert response.status_code == 200
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {other['access_token']}"}).status_code
        == 401
    )
    assert client.get("/api/v1/me", headers=user.auth).status_code == 200
    assert login(client, user, password=OTHER_PASSWORD).status_code == 200
    assert login(client, user, password=STRONG_PASSWORD).status_code == 401


def test_password_history_blocks_reuse_of_the_last_five(client):
    user = signed_in(client)
    passwords = [STRONG_PASSWORD] + [f"Namib-Dune-{n}-Sossusvlei!" for n in range(5)]
    for old, new in itertools.pairwise(passwords):
        ok = client.patch(
            "/api/v1/me/password", headers=user.auth, json={"current_password": old, "new_password": new}
        )
        assert ok.status_code == 200, ok.get_json()
    current = passwords[-1]
    for reused in passwords[-5:]:
        response = client.patch(
            "/api/v1/me/password",
            headers=user.auth,
            json={"current_password": current, "new_password": reused},
        )
        assert response.status_code == 422
        assert response.get_json()["error"]["code"] in {"VAL_008"}
    # the sixth-last is out of the window again
    allowed = client.patch(
        "/api/v1/me/password",
        headers=user.auth,
        json={"current_password": current, "new_password": passwords[0]},
    )
    assert allowed.status_code == 200


@pytest.mark.parametrize("new_password", ["Short1!a", "NoSpecialChars12345Ab"])
def test_a_weak_new_password_is_refused_naming_new_password(client, new_password):
    user = signed_in(client)
    response = client.patch(
        "/api/v1/me/password",
        headers=user.auth,
        json={"current_password": STRONG_PASSWORD, "new_password": new_password},
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "VAL_007"
    assert {d["field"] for d in error["details"]} == {"new_password"}


def test_a_malformed_phone_is_refused_naming_phone(client):
    user = signed_in(client)
    response = client.patch(
        "/api/v1/me", headers=user.auth, json={"phone": "12345", "current_password": STRONG_PASSWORD}
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "VAL_006"
    assert [d["field"] for d in error["details"]] == ["phone"]


def test_changing_the_phone_needs_the_current_password(client):
    user = signed_in(client)
    missing = client.patch("/api/v1/me", headers=user.auth, json={"phone": "+264 81 999 0001"})
    assert missing.status_code == 422
    assert missing.get_json()["error"]["details"][0]["field"] == "current_password"
    wrong = client.patch(
        "/api/v1/me",
        headers=user.auth,
        json={"phone": "+264 81 999 0001", "current_password": "Nope-Nope-123!"},
    )
    assert wrong.status_code == 401
    name_only = client.patch("/api/v1/me", headers=user.auth, json={"full_name": "Ndapewa Shikongo-Iita"})
    assert name_only.status_code == 200


def test_wrong_current_passwords_count_towards_the_lockout(client, redis_client):
    user = signed_in(client)
    for _ in range(5):
        client.patch(
            "/api/v1/me/password",
            headers=user.auth,
            json={"current_password": "Guess-Guess-1!", "new_password": OTHER_PASSWORD},
        )
    assert redis_client.exists(f"login:lock:{user.id}")
    locked = client.patch(
        "/api/v1/me/password",
        headers=user.auth,
        json={"current_password": STRONG_PASSWORD, "new_password": OTHER_PASSWORD},
    )
    assert locked.status_code == 401  # even the right password, while locked

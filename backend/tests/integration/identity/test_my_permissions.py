"""GET /me/permissions shows the grants the API authorises the caller's session with, so the
dashboard hides exactly what the API would refuse."""

from __future__ import annotations

from support.identity import grant_roles, signed_in, staff_with_mfa

URL = "/api/v1/me/permissions"


def permissions_of(client, user) -> dict:
    response = client.get(URL, headers=user.auth)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]


def test_a_customer_sees_the_customer_set_at_scope_own(client):
    user = signed_in(client)
    data = permissions_of(client, user)
    assert data["roles"] == ["user"]
    assert "payment:create" in data["permissions"]
    assert data["scopes"]["user:read"] == "own"
    assert "audit:read" not in data["permissions"]
    assert data["withheld"] == [] and data["mfa"] is False
    # What it does not list, the API refuses.
    assert client.get("/api/v1/audit-logs", headers=user.auth).status_code == 403


def test_staff_with_mfa_see_their_wider_grants_and_the_api_agrees(client, container):
    staff = staff_with_mfa(client, container, "staff")
    data = permissions_of(client, staff)
    assert "staff" in data["roles"] and data["mfa"] is True
    assert data["permissions"] == sorted(data["scopes"])
    assert "user:read" in data["permissions"] and data["scopes"]["user:read"] != "own"
    assert "role:assign" not in data["permissions"]
    assert client.get("/api/v1/users", headers=staff.auth).status_code == 200


def test_an_admin_holds_role_management(client, container):
    admin = staff_with_mfa(client, container, "admin")
    data = permissions_of(client, admin)
    assert "admin" in data["roles"]
    assert data["scopes"]["user:read"] == "all"
    staff_data = permissions_of(client, staff_with_mfa(client, container, "staff"))
    assert set(staff_data["permissions"]) < set(data["permissions"])


def test_a_staff_session_without_mfa_sees_its_privileged_grants_withheld(client, container):
    user = signed_in(client)
    grant_roles(container, user, "staff")
    data = permissions_of(client, user)
    assert data["mfa"] is False
    assert "staff" not in data["roles"]
    assert {"payment:approve", "user:read"} <= set(data["withheld"])
    assert not set(data["withheld"]) & set(data["permissions"])  # the gate refuses them all
    assert client.get("/api/v1/users", headers=user.auth).status_code == 403


def test_anonymous_callers_are_refused(client):
    assert client.get(URL).status_code == 401

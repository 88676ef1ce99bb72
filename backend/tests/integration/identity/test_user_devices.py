"""Staff management of a user's signed-in devices (/api/v1/users/{id}/devices): who may list
and sign out another user's devices (user:read / user:update, scoped like the rest of user
administration), that a signed-out device's tokens stop working, and the audit trail."""

from __future__ import annotations

import uuid

from sqlalchemy import text

from support.authorization import add_roles, stored_role
from support.governance import join, make_organization
from support.identity import (
    enable_mfa,
    grant_roles,
    login,
    sign_in_with_mfa,
    signed_in,
    staff_with_mfa,
    totp_now,
)


def refresh(client, token: str):
    return client.post("/api/v1/auth/refresh", json={"refresh_token": token})


def devices_of(client, caller, user_id: str, **params):
    return client.get(f"/api/v1/users/{user_id}/devices", headers=caller.auth, query_string=params)


def revoke(client, caller, user_id: str, device_id: str):
    return client.delete(f"/api/v1/users/{user_id}/devices/{device_id}", headers=caller.auth)


def actions_on(container, user_id: str) -> list[tuple[str, str]]:
    with container.session_factory() as s:
        query = text("SELECT action, actor_id FROM audit_log WHERE resource_id = :id ORDER BY id")
        rows = s.execute(query, {"id": user_id}).all()
    return [(r.action, r.actor_id) for r in rows]


def code_of(response) -> str:
    return response.get_json()["error"]["code"]


def test_an_admin_lists_a_users_devices_and_signs_one_out(client, container):
    admin = staff_with_mfa(client, container, "admin")
    user = signed_in(client)
    second_device = str(uuid.uuid4())
    second = login(client, user, device_id=second_device).get_json()["data"]

    listed = devices_of(client, admin, user.id)

    assert listed.status_code == 200
    body = listed.get_json()
    assert body["meta"]["total"] == 2
    assert {d["device_id"] for d in body["data"]} == {user.device_id, second_device}
    assert not any(d["current"] for d in body["data"])  # none is the admin's own device
    assert {"device_name", "created_at", "last_used_at", "expires_at"} <= set(body["data"][0])

    response = revoke(client, admin, user.id, second_device)

    assert (response.status_code, response.data) == (204, b"")
    second_auth = {"Authorization": f"Bearer {second['access_token']}"}
    assert client.get("/api/v1/me", headers=second_auth).status_code == 401
    assert refresh(client, second["refresh_token"]).status_code == 401
    assert client.get("/api/v1/me", headers=user.auth).status_code == 200  # the other device stays
    assert [d["device_id"] for d in devices_of(client, admin, user.id).get_json()["data"]] == [user.device_id]
    actions = actions_on(container, user.id)
    assert ("user.devices_viewed", admin.id) in actions
    assert ("user.device_revoked", admin.id) in actions


def test_the_device_list_is_paged_by_cursor(client, container):
    admin = staff_with_mfa(client, container, "admin")
    user = signed_in(client)
    for _ in range(2):
        assert login(client, user, device_id=str(uuid.uuid4())).status_code == 200

    first = devices_of(client, admin, user.id, limit=2).get_json()
    rest = devices_of(client, admin, user.id, limit=2, cursor=first["meta"]["next_cursor"]).get_json()

    assert (first["meta"]["has_more"], first["meta"]["total"]) == (True, 3)
    assert (rest["meta"]["has_more"], rest["meta"]["next_cursor"]) == (False, None)
    assert len({d["device_id"] for d in first["data"] + rest["data"]}) == 3


def test_another_users_device_id_is_a_404_and_signs_nobody_out(client, container):
    admin = staff_with_mfa(client, container, "admin")
    alice, bob = signed_in(client), signed_in(client)

    response = revoke(client, admin, alice.id, bob.device_id)

    assert response.status_code == 404
    assert client.get("/api/v1/me", headers=bob.auth).status_code == 200
    assert revoke(client, admin, alice.id, str(uuid.uuid4())).status_code == 404


def test_an_unknown_user_is_a_404(client, container):
    admin = staff_with_mfa(client, container, "admin")
    assert devices_of(client, admin, str(uuid.uuid4())).status_code == 404


def test_anonymous_callers_are_refused(client):
    user = signed_in(client)
    assert client.get(f"/api/v1/users/{user.id}/devices").status_code == 401
    assert client.delete(f"/api/v1/users/{user.id}/devices/{user.device_id}").status_code == 401


def test_a_customer_neither_reads_nor_signs_out_another_users_devices(client):
    customer, other = signed_in(client), signed_in(client)

    # `user:read` at scope own reaches only the caller: someone else's id is hidden (as GET /users/{id}).
    assert devices_of(client, customer, other.id).status_code == 404
    refused = revoke(client, customer, other.id, other.device_id)
    assert (refused.status_code, code_of(refused)) == (403, "ACC_001")
    assert client.get("/api/v1/me", headers=other.auth).status_code == 200


def test_staff_without_user_update_cannot_sign_a_device_out(client, container):
    staff = staff_with_mfa(client, container, "staff")  # user:read (all), no user:update
    user = signed_in(client)

    assert devices_of(client, staff, user.id).status_code == 200
    refused = revoke(client, staff, user.id, user.device_id)
    assert (refused.status_code, code_of(refused)) == (403, "ACC_001")
    assert client.get("/api/v1/me", headers=user.auth).status_code == 200


def test_a_caller_without_user_read_is_refused(client, container):
    stored_role(container, "devices-no-user-read", {"audit:view": "all"})
    caller, user = signed_in(client), signed_in(client)
    grant_roles(container, caller, "devices-no-user-read")  # not even the `user` role's own scope

    refused = devices_of(client, caller, user.id)

    assert (refused.status_code, code_of(refused)) == (403, "ACC_001")


def test_organization_scoped_staff_reach_only_their_own_organizations_members(client, container):
    stored_role(container, "devices-org-desk", {"user:read": "organization", "user:update": "organization"})
    desk, member, outsider = signed_in(client), signed_in(client), signed_in(client)
    mine = make_organization(container, "Devices Org A")
    theirs = make_organization(container, "Devices Org B")
    join(container, mine, desk, member)
    join(container, theirs, outsider)
    add_roles(container, desk.id, "devices-org-desk")
    container.access.forget(uuid.UUID(desk.id))
    enable_mfa(client, desk)  # user:update is usable only from a session that passed MFA
    sign_in_with_mfa(client, desk, totp_now(desk.totp_secret, offset_steps=1))
    staff = desk

    assert devices_of(client, staff, member.id).status_code == 200
    assert devices_of(client, staff, outsider.id).status_code == 404
    assert revoke(client, staff, outsider.id, outsider.device_id).status_code == 404
    assert client.get("/api/v1/me", headers=outsider.auth).status_code == 200
    assert revoke(client, staff, member.id, member.device_id).status_code == 204

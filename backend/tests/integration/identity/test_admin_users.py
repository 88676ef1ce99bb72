"""User administration (/api/v1/users): listing with pagination, search and filters;
object-level authorisation for regular users; create, update, lock, unlock, soft delete and
restore; the last-administrator guard; and the audit trail of every admin action."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from support.identity import (
    STRONG_PASSWORD,
    login,
    register,
    registration_body,
    signed_in,
    staff_with_mfa,
)


def users(client, admin, **params):
    return client.get("/api/v1/users", headers=admin.auth, query_string=params)


def ids_of(response) -> list[str]:
    return [u["id"] for u in response.get_json()["data"]]


def patch_user(client, admin, user_id: str, **body):
    return client.patch(f"/api/v1/users/{user_id}", headers=admin.auth, json=body)


def delete_user(client, admin, user_id: str):
    return client.delete(f"/api/v1/users/{user_id}", headers=admin.auth)


def create_body(**overrides) -> dict:
    body = registration_body()
    body.pop("agreed_terms")
    body.update(overrides)
    return body


def audit_rows(container, resource_id: str):
    with container.session_factory() as s:
        return s.execute(
            text("SELECT action, actor_id, resource_id FROM audit_log WHERE resource_id = :id"),
            {"id": resource_id},
        ).all()


# -- listing ------------------------------------------------------------------------------
def test_list_users_walks_by_cursor_to_the_last_page(client, container):
    admin = staff_with_mfa(client, container, "admin")
    registered = [register(client).id for _ in range(2)]
    total = users(client, admin).get_json()["meta"]["total"]

    seen, cursor, pages = [], None, 0
    while True:
        body = users(client, admin, limit=2, **({"cursor": cursor} if cursor else {})).get_json()
        pages += 1
        assert body["meta"]["limit"] == 2 and body["meta"]["total"] == total
        seen += [u["id"] for u in body["data"]]
        cursor = body["meta"]["next_cursor"]
        assert body["meta"]["has_more"] is (cursor is not None)
        if cursor is None:
            break

    assert len(seen) == len(set(seen)) == total >= 3
    assert pages == -(-total // 2)
    assert seen[:2] == registered[::-1]  # newest first


def test_list_users_keeps_page_and_per_page_as_aliases(client, container):
    admin = staff_with_mfa(client, container, "admin")
    newer = register(client)

    first = users(client, admin, per_page=1).get_json()
    second = users(client, admin, page=2, per_page=1).get_json()

    assert [u["id"] for u in first["data"]] == [newer.id]
    assert first["meta"]["limit"] == 1 and first["meta"]["has_more"] is True
    assert [u["id"] for u in second["data"]] == [
        u["id"] for u in users(client, admin, cursor=first["meta"]["next_cursor"], limit=1).get_json()["data"]
    ]


def test_list_users_refuses_an_unknown_query_parameter(client, container):
    admin = staff_with_mfa(client, container, "admin")

    response = users(client, admin, serch="nd")

    assert response.status_code == 422
    assert response.get_json()["status"] == "validation_error"
    assert [d["field"] for d in response.get_json()["error"]["details"]] == ["serch"]


@pytest.mark.parametrize("parameter", ["q", "search"])
def test_list_users_searches_by_email_fragment_with_q_or_its_alias_search(client, container, parameter):
    admin = staff_with_mfa(client, container, "admin")
    user = register(client)
    fragment = user.email.split("@")[0][-6:]

    response = users(client, admin, **{parameter: fragment})

    assert response.status_code == 200
    assert ids_of(response) == [user.id]
    assert response.get_json()["meta"]["total"] == 1


def test_list_users_filtered_by_role_admin_finds_only_the_admin(client, container):
    admin = staff_with_mfa(client, container, "admin")
    register(client)

    response = users(client, admin, role="admin")

    assert response.status_code == 200
    assert ids_of(response) == [admin.id]
    assert all("admin" in u["roles"] for u in response.get_json()["data"])


def test_list_users_filtered_by_status(client, container):
    admin = staff_with_mfa(client, container, "admin")
    user = register(client)
    assert patch_user(client, admin, user.id, status="locked").status_code == 200

    locked = users(client, admin, status="locked", per_page=100)
    active = users(client, admin, status="active", per_page=100)

    assert user.id in ids_of(locked)
    assert admin.id not in ids_of(locked)
    assert all(u["status"] == "locked" for u in locked.get_json()["data"])
    assert admin.id in ids_of(active)
    assert user.id not in ids_of(active)
    assert all(u["status"] == "active" for u in active.get_json()["data"])


def test_get_user_returns_the_user(client, container):
    admin = staff_with_mfa(client, container, "admin")
    user = register(client)

    response = client.get(f"/api/v1/users/{user.id}", headers=admin.auth)

    assert response.status_code == 200
    data = response.get_json()["data"]
    assert data["id"] == user.id
    assert data["email"] == user.email
    assert data["username"] == user.username
    assert data["roles"] == ["user"]


# -- regular users ------------------------------------------------------------------------
def test_a_regular_user_listing_users_sees_only_themselves(client):
    other = register(client)
    user = signed_in(client)

    response = users(client, user)

    assert response.status_code == 200
    assert ids_of(response) == [user.id]
    assert response.get_json()["meta"]["total"] == 1
    assert other.id not in ids_of(response)


def test_a_regular_user_reading_another_user_gets_not_found(client):
    other = register(client)
    user = signed_in(client)

    response = client.get(f"/api/v1/users/{other.id}", headers=user.auth)

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "RES_001"


def test_a_regular_user_cannot_update_another_user(client):
    other = register(client)
    user = signed_in(client)

    response = patch_user(client, user, other.id, full_name="Someone Else")

    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "ACC_001"


def test_a_regular_user_cannot_delete_another_user(client):
    other = register(client)
    user = signed_in(client)

    response = delete_user(client, user, other.id)

    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "ACC_001"
    assert login(client, other).status_code == 200


# -- create and update --------------------------------------------------------------------
def test_admin_creates_a_user_with_a_verified_email(client, container):
    admin = staff_with_mfa(client, container, "admin")
    body = create_body(email_verified=True)

    response = client.post("/api/v1/users", headers=admin.auth, json=body)

    assert response.status_code == 201
    data = response.get_json()["data"]
    assert data["email"] == body["email"]
    assert data["email_verified"] is True
    assert data["roles"] == ["user"]
    assert response.headers["Location"] == f"/api/v1/users/{data['id']}"
    fetched = client.get(response.headers["Location"], headers=admin.auth).get_json()["data"]
    assert fetched == data
    signed = client.post(
        "/api/v1/auth/login",
        json={"email": body["email"], "password": STRONG_PASSWORD, "device_id": str(uuid.uuid4())},
    )
    assert signed.status_code == 200


@pytest.mark.parametrize(
    "extra", [{"roles": ["admin"]}, {"is_active": True}, {"password_hash": "$argon2id$v=19$forged"}]
)
def test_admin_create_refuses_unknown_fields(client, container, extra):
    admin = staff_with_mfa(client, container, "admin")

    response = client.post("/api/v1/users", headers=admin.auth, json=create_body(**extra))

    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "VAL_001"


@pytest.mark.parametrize(
    "extra", [{"roles": ["admin"]}, {"is_active": True}, {"password_hash": "$argon2id$v=19$forged"}]
)
def test_admin_update_refuses_unknown_fields(client, container, extra):
    admin = staff_with_mfa(client, container, "admin")
    user = register(client)

    response = patch_user(client, admin, user.id, full_name="Changed Name", **extra)

    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "VAL_001"
    fetched = client.get(f"/api/v1/users/{user.id}", headers=admin.auth).get_json()["data"]
    assert fetched["full_name"] == "Ndapewa Shikongo"
    assert fetched["roles"] == ["user"]


def test_admin_update_changes_the_full_name(client, container):
    admin = staff_with_mfa(client, container, "admin")
    user = register(client)

    response = patch_user(client, admin, user.id, full_name="Tjipe Kaura")

    assert response.status_code == 200
    assert response.get_json()["data"]["full_name"] == "Tjipe Kaura"
    fetched = client.get(f"/api/v1/users/{user.id}", headers=admin.auth).get_json()["data"]
    assert fetched["full_name"] == "Tjipe Kaura"


def test_a_locked_user_cannot_sign_in_and_their_token_stops_working(client, container):
    admin = staff_with_mfa(client, container, "admin")
    user = signed_in(client)

    response = patch_user(client, admin, user.id, status="locked")

    assert response.status_code == 200
    assert response.get_json()["data"]["status"] == "locked"
    refused = login(client, user)
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "AUTH_001"
    assert client.get("/api/v1/me", headers=user.auth).status_code == 401


def test_unlock_restores_sign_in(client, container):
    admin = staff_with_mfa(client, container, "admin")
    user = register(client)
    assert patch_user(client, admin, user.id, status="locked").status_code == 200

    response = client.post(f"/api/v1/users/{user.id}/unlock", headers=admin.auth)

    assert response.status_code == 200
    assert response.get_json()["data"]["status"] == "active"
    assert login(client, user).status_code == 200


def test_unlock_lifts_a_lockout_and_tells_the_user_by_email(client, container, settings):
    admin = staff_with_mfa(client, container, "admin")
    user = register(client)
    for _ in range(5):
        login(client, user, password="Wrong-Password-99!")
    assert login(client, user).status_code == 401

    assert client.post(f"/api/v1/users/{user.id}/unlock", headers=admin.auth).status_code == 200

    assert login(client, user).status_code == 200
    container.outbox.dispatch_pending()
    mails = [p.read_text() for p in (settings.VAR_DIR / "mail").glob("*.eml")]
    assert any(user.email in m and "unlocked your Elcorp account" in m for m in mails)


# -- delete and restore -------------------------------------------------------------------
def test_deleting_a_user_blocks_sign_in_and_ends_their_sessions(client, container):
    admin = staff_with_mfa(client, container, "admin")
    user = signed_in(client)

    response = delete_user(client, admin, user.id)

    assert response.status_code == 204
    assert response.data == b""
    refused = login(client, user)
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "AUTH_001"
    assert client.get("/api/v1/me", headers=user.auth).status_code == 401


def test_a_deleted_user_is_listed_only_under_status_deleted(client, container):
    admin = staff_with_mfa(client, container, "admin")
    user = register(client)
    assert delete_user(client, admin, user.id).status_code == 204

    deleted = users(client, admin, status="deleted", per_page=100)
    default = users(client, admin, per_page=100)

    assert deleted.status_code == 200
    assert user.id in ids_of(deleted)
    assert all(u["status"] == "deleted" for u in deleted.get_json()["data"])
    assert next(u for u in deleted.get_json()["data"] if u["id"] == user.id)["deleted_at"] is not None
    assert user.id not in ids_of(default)


def test_restore_brings_a_deleted_user_back(client, container):
    admin = staff_with_mfa(client, container, "admin")
    user = register(client)
    assert delete_user(client, admin, user.id).status_code == 204

    response = client.post(f"/api/v1/users/{user.id}/restore", headers=admin.auth)

    assert response.status_code == 200
    data = response.get_json()["data"]
    assert data["status"] == "active"
    assert data["deleted_at"] is None
    assert login(client, user).status_code == 200
    assert user.id in ids_of(users(client, admin, per_page=100))


def test_the_delete_reason_is_a_documented_query_parameter_kept_in_the_audit_log(client, container):
    admin = staff_with_mfa(client, container, "admin")
    user = register(client)

    response = client.delete(
        f"/api/v1/users/{user.id}", headers=admin.auth, query_string={"reason": "duplicate account"}
    )

    assert response.status_code == 204
    with container.session_factory() as s:
        entry = s.execute(
            text("SELECT entry FROM audit_log WHERE resource_id = :id AND action = 'user.deleted'"),
            {"id": user.id},
        ).scalar_one()
    assert "duplicate account" in entry
    unknown = client.delete(f"/api/v1/users/{user.id}", headers=admin.auth, query_string={"why": "x"})
    assert unknown.status_code == 422


# -- the last administrator -----------------------------------------------------------------
def test_the_last_active_admin_cannot_be_deleted(client, container):
    admin = staff_with_mfa(client, container, "admin")

    response = delete_user(client, admin, admin.id)

    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "RES_005"
    assert client.get("/api/v1/me", headers=admin.auth).status_code == 200


def test_the_last_active_admin_cannot_be_locked(client, container):
    admin = staff_with_mfa(client, container, "admin")

    response = patch_user(client, admin, admin.id, status="locked")

    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "RES_005"
    assert client.get("/api/v1/me", headers=admin.auth).get_json()["data"]["status"] == "active"


# -- audit trail and ids ------------------------------------------------------------------
def test_every_admin_action_is_audited_with_the_admin_as_actor(client, container):
    admin = staff_with_mfa(client, container, "admin")
    created = client.post("/api/v1/users", headers=admin.auth, json=create_body()).get_json()["data"]
    target = created["id"]
    assert patch_user(client, admin, target, full_name="Tjipe Kaura").status_code == 200
    assert patch_user(client, admin, target, status="locked").status_code == 200
    assert client.post(f"/api/v1/users/{target}/unlock", headers=admin.auth).status_code == 200
    assert delete_user(client, admin, target).status_code == 204
    assert client.post(f"/api/v1/users/{target}/restore", headers=admin.auth).status_code == 200

    rows = audit_rows(container, target)

    by_admin = {r.action for r in rows if r.actor_id == admin.id}
    assert {
        "user.created",
        "user.profile_updated",
        "user.status_changed",
        "user.unlocked",
        "user.deleted",
        "user.restored",
    } <= by_admin
    admin_actions = [r for r in rows if r.action in by_admin]
    assert all(r.actor_id == admin.id and r.resource_id == target for r in admin_actions)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/users/not-a-uuid"),
        ("patch", "/api/v1/users/not-a-uuid"),
        ("delete", "/api/v1/users/not-a-uuid"),
        ("post", "/api/v1/users/not-a-uuid/restore"),
        ("post", "/api/v1/users/not-a-uuid/unlock"),
    ],
)
def test_a_non_uuid_user_id_is_not_found(client, container, method, path):
    admin = staff_with_mfa(client, container, "admin")

    response = getattr(client, method)(path, headers=admin.auth, json={} if method != "get" else None)

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "RES_001"

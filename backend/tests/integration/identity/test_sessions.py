"""Refresh rotation with reuse detection, logout, devices, and revocation on every request."""

from __future__ import annotations

import uuid

from sqlalchemy import text

from support.identity import login, signed_in


def refresh(client, token):
    return client.post("/api/v1/auth/refresh", json={"refresh_token": token})


def test_refresh_rotates_and_the_new_pair_works(client):
    user = signed_in(client)
    response = refresh(client, user.refresh)
    assert response.status_code == 200
    data = response.get_json()["data"]
    assert data["refresh_token"] != user.refresh
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {data['access_token']}"}).status_code
        == 200
    )


def test_reusing_a_spent_refresh_token_revokes_the_whole_family_and_is_audited(client, container):
    user = signed_in(client)
    stolen = user.refresh
    rotated = refresh(client, stolen).get_json()["data"]
    reuse = refresh(client, stolen)
    assert reuse.status_code == 401
    assert reuse.get_json()["error"]["code"] == "AUTH_007"
    # The legitimate holder's newer tokens die with the family.
    assert refresh(client, rotated["refresh_token"]).status_code == 401
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {rotated['access_token']}"}).status_code
        == 401
    )
    with container.session_factory() as session:
        actions = (
            session.execute(text("SELECT action FROM audit_log WHERE resource_id = :id"), {"id": user.id})
            .scalars()
            .all()
        )
    assert "auth.refresh_token_reused" in actions


def test_an_access_token_is_not_a_refresh_token_and_vice_versa(client):
    user = signed_in(client)
    assert refresh(client, user.access).get_json()["error"]["code"] == "AUTH_003"
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {user.refresh}"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "AUTH_003"


def test_refresh_family_ends_seven_days_after_login_not_sliding(client, container):
    user = signed_in(client)
    with container.session_factory() as session:
        session.execute(
            text("UPDATE device_token SET expires_at = now() - interval '1 second' WHERE user_id = :id"),
            {"id": user.id},
        )
        session.commit()
    response = refresh(client, user.refresh)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] in {"AUTH_002", "AUTH_003"}


def test_logout_makes_the_access_token_fail_on_the_next_request(client):
    user = signed_in(client)
    assert client.post("/api/v1/auth/logout", headers=user.auth, json={}).status_code == 200
    response = client.get("/api/v1/me", headers=user.auth)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "AUTH_003"
    assert refresh(client, user.refresh).status_code == 401


def test_logout_all_devices_ends_every_session(client):
    user = signed_in(client)
    other_device = login(client, user, device_id=str(uuid.uuid4())).get_json()["data"]
    client.post("/api/v1/auth/logout", headers=user.auth, json={"all_devices": True})
    assert (
        client.get(
            "/api/v1/me", headers={"Authorization": f"Bearer {other_device['access_token']}"}
        ).status_code
        == 401
    )
    assert refresh(client, other_device["refresh_token"]).status_code == 401


def test_logout_on_one_device_leaves_the_others_signed_in(client):
    user = signed_in(client)
    other = login(client, user, device_id=str(uuid.uuid4())).get_json()["data"]
    client.post("/api/v1/auth/logout", headers=user.auth, json={})
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {other['access_token']}"}).status_code
        == 200
    )


def test_devices_are_listed_and_one_can_be_revoked_at_once(client):
    user = signed_in(client)
    second_device = str(uuid.uuid4())
    second = login(client, user, device_id=second_device).get_json()["data"]
    listed = client.get("/api/v1/me/devices", headers=user.auth).get_json()
    assert listed["meta"]["total"] == 2
    current = [d for d in listed["data"] if d["current"]]
    assert [d["device_id"] for d in current] == [user.device_id]

    revoked = client.delete(f"/api/v1/me/devices/{second_device}", headers=user.auth)
    assert (revoked.status_code, revoked.data) == (204, b"")
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {second['access_token']}"}).status_code
        == 401
    )
    assert refresh(client, second["refresh_token"]).status_code == 401
    assert client.get("/api/v1/me", headers=user.auth).status_code == 200
    assert client.delete(f"/api/v1/me/devices/{uuid.uuid4()}", headers=user.auth).status_code == 404


def test_devices_are_listed_a_page_at_a_time_by_cursor(client):
    user = signed_in(client)
    for _ in range(2):
        assert login(client, user, device_id=str(uuid.uuid4())).status_code == 200

    first = client.get("/api/v1/me/devices", headers=user.auth, query_string={"limit": 2}).get_json()
    cursor = first["meta"]["next_cursor"]
    rest = client.get("/api/v1/me/devices", headers=user.auth, query_string={"cursor": cursor, "limit": 2})

    assert (first["meta"]["has_more"], first["meta"]["limit"], first["meta"]["total"]) == (True, 2, 3)
    last = rest.get_json()
    assert (last["meta"]["has_more"], last["meta"]["next_cursor"]) == (False, None)
    walked = [d["device_id"] for d in first["data"] + last["data"]]
    assert len(set(walked)) == 3 and user.device_id in walked


def test_the_device_list_refuses_an_unknown_query_parameter(client):
    user = signed_in(client)
    response = client.get("/api/v1/me/devices", headers=user.auth, query_string={"current": "true"})
    assert response.status_code == 422
    assert [d["field"] for d in response.get_json()["error"]["details"]] == ["current"]


def test_logout_without_a_body_signs_this_device_out(client):
    user = signed_in(client)
    response = client.post("/api/v1/auth/logout", headers=user.auth)
    assert response.status_code == 200
    assert response.get_json()["data"] == {"logged_out": True, "all_devices": False}
    assert client.get("/api/v1/me", headers=user.auth).status_code == 401


def test_a_user_cannot_revoke_another_users_device(client):
    alice, bob = signed_in(client), signed_in(client)
    assert client.delete(f"/api/v1/me/devices/{bob.device_id}", headers=alice.auth).status_code == 404
    assert client.get("/api/v1/me", headers=bob.auth).status_code == 200


def test_refresh_tokens_are_stored_only_as_digests(client, container):
    user = signed_in(client)
    with container.session_factory() as session:
        stored = session.execute(
            text("SELECT refresh_token_hash FROM device_token WHERE user_id = :id"), {"id": user.id}
        ).scalar_one()
    assert stored not in user.refresh
    assert len(stored) == 64


def test_authenticated_requests_fail_closed_when_redis_is_down(client, settings, engine, session_factory):
    import redis as redis_lib

    from elcorp.bootstrap import bootstrap
    from elcorp.main import create_app

    user = signed_in(client)
    dead = redis_lib.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    container = bootstrap(settings, engine=engine, session_factory=session_factory, redis_client=dead)
    app_without_redis = create_app(
        settings.model_copy(update={"RATE_LIMIT_ENABLED": False}), container=container
    )
    response = app_without_redis.test_client().get("/api/v1/me", headers=user.auth)
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "SRV_002"

"""Every POST honours an optional Idempotency-Key (shared/interfaces/idempotency.py)."""

from __future__ import annotations

import pytest

from elcorp.main import create_app
from elcorp.shared.interfaces.idempotency import OPTIONAL_PARAMETER
from support.identity import signed_in
from support.probe import HANDLED, probe_blueprint


@pytest.fixture
def probe_client(container):
    app = create_app(container=container)
    app.register_api(probe_blueprint())
    HANDLED.clear()
    return app.test_client()


@pytest.fixture
def user(probe_client):
    return signed_in(probe_client)


def post(client, user, body, key):
    return client.post("/api/v1/probe/notes", json=body, headers={**user.auth, "Idempotency-Key": key})


def test_a_retry_with_the_same_key_replays_the_first_answer(probe_client, user):
    first = post(probe_client, user, {"name": "draft", "count": 1}, "key-1")
    again = post(probe_client, user, {"name": "draft", "count": 1}, "key-1")
    assert first.status_code == again.status_code == 201
    assert again.get_data() == first.get_data()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert len(HANDLED) == 1


def test_another_body_under_the_same_key_is_refused(probe_client, user):
    post(probe_client, user, {"name": "draft", "count": 1}, "key-2")
    response = post(probe_client, user, {"name": "draft", "count": 2}, "key-2")
    assert response.status_code == 422
    body = response.get_json()
    assert body["status"] == "validation_error"
    assert body["error"]["code"] == "IDEM_001"
    assert body["error"]["details"][0]["field"] == "Idempotency-Key"
    assert len(HANDLED) == 1


def test_without_a_key_every_post_runs(probe_client, user):
    for _ in range(2):
        response = probe_client.post(
            "/api/v1/probe/notes", json={"name": "draft", "count": 1}, headers=user.auth
        )
        assert response.status_code == 201
    assert len(HANDLED) == 2


def test_keys_are_per_caller(probe_client, user):
    other = signed_in(probe_client)
    post(probe_client, user, {"name": "draft", "count": 1}, "shared-key")
    response = post(probe_client, other, {"name": "draft", "count": 1}, "shared-key")
    assert response.status_code == 201 and "Idempotent-Replayed" not in response.headers
    assert len(HANDLED) == 2


def test_a_failed_first_attempt_is_not_kept(probe_client, user):
    assert post(probe_client, user, {"name": "crash", "count": 1}, "key-3").status_code == 500
    assert post(probe_client, user, {"name": "crash", "count": 1}, "key-3").status_code == 500
    assert len(HANDLED) == 2  # ran twice: a 5xx is never replayed


def test_a_refusal_is_replayed_like_a_success(probe_client, user):
    first = post(probe_client, user, {"name": "x", "count": 1}, "key-4")  # name too short: 422
    again = post(probe_client, user, {"name": "x", "count": 1}, "key-4")
    assert first.status_code == again.status_code == 422, (first.get_json(), again.get_json())
    assert dict(again.headers).get("Idempotent-Replayed") == "true", (
        first.get_json()["error"],
        again.get_json()["error"],
    )
    assert again.headers["Idempotent-Replayed"] == "true"


@pytest.mark.parametrize("key", ["", "k" * 256, "tab\there"])
def test_a_malformed_key_is_a_400(probe_client, user, key):
    response = post(probe_client, user, {"name": "draft", "count": 1}, key)
    assert response.status_code == 400
    assert response.get_json()["status"] == "error"
    assert response.get_json()["error"]["code"] == "IDEM_003"
    assert HANDLED == []


def test_a_public_post_refuses_a_key_instead_of_ignoring_it(probe_client):
    response = probe_client.post(
        "/api/v1/auth/login",
        json={"email": "a@example.com", "password": "x"},
        headers={"Idempotency-Key": "k"},
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "IDEM_003"


def test_the_document_offers_the_key_on_every_authenticated_post(probe_client):
    document = probe_client.get("/api/v1/openapi.json").get_json()
    for path, item in document["paths"].items():
        operation = item.get("post")
        if operation is None:
            continue
        keys = [p for p in operation.get("parameters", []) if p["name"] == "Idempotency-Key"]
        if keys and keys[0] != OPTIONAL_PARAMETER:
            continue  # a route that keeps its own keys (money movements, invoice payments)
        if operation.get("security"):
            assert keys, path
        assert "IDEM_003" in operation["responses"]["400"]["content"]["application/json"]["examples"], path

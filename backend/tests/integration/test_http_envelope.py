"""Every error path answers in the envelope with a code (DESIGN.md section 5)."""

from __future__ import annotations

import pytest

from elcorp.main import create_app
from support.probe import probe_blueprint


@pytest.fixture
def probe_client(container):
    app = create_app(container=container)
    app.register_api(probe_blueprint())
    return app.test_client()


def assert_error_envelope(response, status, code):
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["status"] in ("error", "validation_error")
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    assert body["request_id"] == response.headers["X-Request-ID"]
    assert body["timestamp"].endswith("Z")
    return body


def test_success_envelope(probe_client):
    response = probe_client.post("/api/v1/probe/echo", json={"name": "Ndapewa", "count": 2})
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "success"
    assert body["data"] == {"name": "Ndapewa", "count": 2}
    assert body["meta"] == {}
    assert body["timestamp"].endswith("Z")


def test_unknown_route_is_a_404_envelope(client):
    assert_error_envelope(client.get("/api/v1/no-such-thing"), 404, "RES_001")


def test_wrong_method_is_a_405_envelope_with_allow(probe_client):
    response = probe_client.delete("/api/v1/probe/echo")
    assert_error_envelope(response, 405, "RES_003")
    assert "POST" in response.headers["Allow"]


def test_invalid_json_is_a_400_envelope(probe_client):
    response = probe_client.post(
        "/api/v1/probe/echo", data='{"name": "x",', headers={"Content-Type": "application/json"}
    )
    assert_error_envelope(response, 400, "VAL_002")


def test_non_json_body_is_a_415_envelope(probe_client):
    response = probe_client.post(
        "/api/v1/probe/echo", data="name=x", content_type="application/x-www-form-urlencoded"
    )
    assert_error_envelope(response, 415, "VAL_003")


def test_body_over_the_limit_is_a_413_envelope(probe_client, settings):
    big = '{"name": "' + "x" * (settings.MAX_REQUEST_BYTES + 10) + '"}'
    response = probe_client.post("/api/v1/probe/echo", data=big, content_type="application/json")
    assert_error_envelope(response, 413, "RES_004")


def test_validation_errors_are_422_with_field_items_and_no_echoed_input(probe_client):
    response = probe_client.post("/api/v1/probe/echo", json={"name": "x", "count": -1, "role": "admin"})
    body = assert_error_envelope(response, 422, "VAL_001")
    assert body["status"] == "validation_error"
    fields = {item["field"] for item in body["error"]["details"]}
    assert fields == {"name", "count", "role"}  # unknown fields are refused (mass assignment)
    assert all(set(item) == {"field", "message"} for item in body["error"]["details"])


def test_domain_errors_map_to_their_code(probe_client):
    body = assert_error_envelope(probe_client.get("/api/v1/probe/missing"), 404, "RES_001")
    assert body["error"]["message"] == "No such wallet"


def test_unhandled_exception_is_a_500_envelope_without_internals(probe_client):
    response = probe_client.get("/api/v1/probe/boom")
    body = assert_error_envelope(response, 500, "SRV_001")
    text = response.get_data(as_text=True)
    assert "SELECT" not in text
    assert "Traceback" not in text
    assert "RuntimeError" not in text
    assert body["request_id"]


def test_client_request_id_is_echoed_when_sane_and_replaced_when_not(client):
    assert client.get("/health", headers={"X-Request-ID": "abc-123-def-456"}).headers["X-Request-ID"] == (
        "abc-123-def-456"
    )
    replaced = client.get("/health", headers={"X-Request-ID": "<script>"}).headers["X-Request-ID"]
    assert replaced != "<script>"
    assert len(replaced) == 32


# -- one error shape (the API-contract issue) ---------------------------------------------------
def test_validation_error_is_the_status_of_every_422_and_only_of_422(probe_client):
    malformed = probe_client.post(
        "/api/v1/probe/echo", data="{", headers={"Content-Type": "application/json"}
    )
    assert malformed.status_code == 400 and malformed.get_json()["status"] == "error"
    invalid = probe_client.post("/api/v1/probe/echo", json={"name": "x", "count": 1})
    assert invalid.status_code == 422 and invalid.get_json()["status"] == "validation_error"
    missing = probe_client.get("/api/v1/probe/missing")
    assert missing.status_code == 404 and missing.get_json()["status"] == "error"


def test_a_missing_body_reads_as_an_empty_object(probe_client):
    response = probe_client.post("/api/v1/probe/echo")
    assert response.status_code == 422
    fields = {d["field"] for d in response.get_json()["error"]["details"]}
    assert fields == {"name", "count"}  # the fields it lacks, not "the body is not an object"


def test_no_internal_class_name_reaches_the_client(probe_client):
    response = probe_client.post("/api/v1/probe/echo", json=[1, 2])
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "EchoBody" not in text and "instance of" not in text
    assert response.get_json()["error"]["details"][0]["field"] is None  # the body as a whole


def test_every_error_points_at_its_entry_in_the_catalogue(probe_client):
    error = probe_client.get("/api/v1/probe/missing").get_json()["error"]
    assert error["doc_url"] == "/api/docs/errors#res_001"
    page = probe_client.get("/api/docs/errors")
    assert page.status_code == 200
    assert 'id="res_001"' in page.get_data(as_text=True)


def test_a_401_names_the_bearer_scheme(client):
    anonymous = client.get("/api/v1/me")
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"] == 'Bearer realm="elcorp"'
    forged = client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"})
    assert forged.status_code == 401
    assert forged.headers["WWW-Authenticate"] == 'Bearer realm="elcorp", error="invalid_token"'


def test_problem_details_on_request(probe_client):
    response = probe_client.get("/api/v1/probe/missing", headers={"Accept": "application/problem+json"})
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["type"] == "/api/docs/errors#res_001"
    assert body["status"] == 404 and body["code"] == "RES_001" and body["title"]
    assert body["instance"] == "/api/v1/probe/missing"
    assert body["request_id"] == response.headers["X-Request-ID"]
    default = probe_client.get("/api/v1/probe/missing", headers={"Accept": "application/json, */*"})
    assert default.mimetype == "application/json" and default.get_json()["status"] == "error"

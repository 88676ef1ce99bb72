"""Random JSON at the public auth endpoints gets a 4xx envelope, never a 500."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elcorp.bootstrap import bootstrap
from elcorp.main import create_app
from support.identity import registration_body

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=60),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
field_names = st.sampled_from(
    [
        "username",
        "full_name",
        "email",
        "password",
        "phone",
        "organization",
        "agreed_terms",
        "device_id",
        "device_name",
        "role",
        "is_active",
        "mfa_token",
        "code",
        "refresh_token",
        "token",
    ]
)
bodies = st.one_of(
    json_values,
    st.dictionaries(field_names, json_values, max_size=8),
    # near-valid bodies with one field replaced by junk
    st.builds(lambda k, v: {**registration_body(), k: v}, field_names, json_values),
)
ENDPOINTS = [
    "/api/v1/auth/register",
    "/api/v1/auth/login",
    "/api/v1/auth/mfa/verify",
    "/api/v1/auth/refresh",
    "/api/v1/auth/verify-email",
    "/api/v1/auth/password/forgot",
    "/api/v1/auth/password/reset",
]


@pytest.fixture
def fuzz_client(settings, engine, session_factory, redis_client):
    unlimited = settings.model_copy(
        update={"RATE_LIMIT_ENABLED": False, "LOGIN_IP_MAX_FAILURES": "100000/hour"}
    )
    container = bootstrap(
        unlimited, engine=engine, session_factory=session_factory, redis_client=redis_client
    )
    return create_app(container=container).test_client()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies)
def test_random_bodies_never_cause_a_server_error(fuzz_client, endpoint, body):
    response = fuzz_client.post(endpoint, json=body)
    assert response.status_code < 500, response.get_json()
    payload = response.get_json()
    assert payload["status"] in {"success", "error", "validation_error"}
    if response.status_code >= 400:
        assert payload["error"]["code"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=200))
def test_random_bytes_never_cause_a_server_error(fuzz_client, raw):
    response = fuzz_client.post("/api/v1/auth/login", data=raw, content_type="application/json")
    assert 400 <= response.status_code < 500

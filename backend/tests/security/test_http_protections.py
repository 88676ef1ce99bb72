"""Baseline HTTP protections: rate limits, security headers, CORS allow-list, proxy trust."""

from __future__ import annotations

import flask
import pytest

from elcorp.bootstrap import bootstrap
from elcorp.main import create_app
from support.probe import probe_blueprint


def build_client(settings, engine, session_factory, redis_client, **overrides):
    settings = settings.model_copy(update=overrides)
    container = bootstrap(settings, engine=engine, session_factory=session_factory, redis_client=redis_client)
    app = create_app(container=container)
    app.register_api(probe_blueprint())
    return app.test_client()


@pytest.fixture
def limited(settings, engine, session_factory, redis_client):
    return build_client(settings, engine, session_factory, redis_client, RATE_LIMIT_ANONYMOUS="3/minute")


def test_anonymous_requests_over_the_limit_get_429_envelope_with_retry_after(limited):
    for _ in range(3):
        assert limited.get("/api/v1/probe/ping").status_code == 200
    response = limited.get("/api/v1/probe/ping")
    assert response.status_code == 429
    body = response.get_json()
    assert body["error"]["code"] == "RATE_001"
    assert int(response.headers["Retry-After"]) > 0


def test_limits_are_counted_in_redis_so_every_worker_shares_them(limited, redis_client):
    limited.get("/api/v1/probe/ping")
    keys = list(redis_client.scan_iter())
    assert any(b"elcorp:rl" in key for key in keys)


def test_one_budget_covers_every_route(limited):
    for _ in range(3):
        limited.get("/api/v1/probe/ping")
    response = limited.post("/api/v1/probe/echo", json={"name": "Ndapewa", "count": 1})
    assert response.status_code == 429


def test_limits_are_per_client_ip(limited):
    for _ in range(3):
        limited.get("/api/v1/probe/ping", environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert limited.get("/api/v1/probe/ping", environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 429
    assert limited.get("/api/v1/probe/ping", environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code == 200


def test_x_forwarded_for_cannot_reset_the_limit_without_trusted_proxies(limited):
    for n in range(3):
        limited.get("/api/v1/probe/ping", headers={"X-Forwarded-For": f"203.0.113.{n}"})
    response = limited.get("/api/v1/probe/ping", headers={"X-Forwarded-For": "203.0.113.99"})
    assert response.status_code == 429


def test_with_one_trusted_proxy_the_forwarded_client_ip_is_used(
    settings, engine, session_factory, redis_client
):
    client = build_client(
        settings,
        engine,
        session_factory,
        redis_client,
        RATE_LIMIT_ANONYMOUS="2/minute",
        TRUSTED_PROXY_COUNT=1,
    )
    for _ in range(2):
        client.get("/api/v1/probe/ping", headers={"X-Forwarded-For": "198.51.100.1"})
    assert client.get("/api/v1/probe/ping", headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 429
    assert client.get("/api/v1/probe/ping", headers={"X-Forwarded-For": "198.51.100.2"}).status_code == 200


def test_probes_are_never_rate_limited(limited):
    for _ in range(6):
        assert limited.get("/health").status_code == 200


@pytest.mark.parametrize("path", ["/health", "/api/v1/probe/ping", "/api/v1/nowhere"])
def test_security_headers_on_every_response(client, path):
    headers = client.get(path).headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert headers["Cache-Control"] == "no-store"


def test_cors_allows_only_listed_origins(settings, engine, session_factory, redis_client):
    client = build_client(
        settings, engine, session_factory, redis_client, CORS_ORIGINS=["https://dashboard.elcorp.na"]
    )
    allowed = client.options(
        "/api/v1/probe/ping",
        headers={"Origin": "https://dashboard.elcorp.na", "Access-Control-Request-Method": "GET"},
    )
    assert allowed.headers.get("Access-Control-Allow-Origin") == "https://dashboard.elcorp.na"
    denied = client.get("/api/v1/probe/ping", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in denied.headers


def test_no_cors_headers_when_no_origin_is_configured(client):
    response = client.get("/health", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_json_with_a_charset_and_vendor_json_types_are_accepted(container):
    app = create_app(container=container)
    app.register_api(probe_blueprint())
    client = app.test_client()
    ok = client.post(
        "/api/v1/probe/echo",
        data='{"name": "Ndapewa", "count": 1}',
        content_type="application/json; charset=utf-8",
    )
    assert ok.status_code == 201


def test_malformed_bodies_count_against_the_rate_limit(limited):
    for _ in range(3):
        response = limited.post("/api/v1/probe/echo", data="{not json", content_type="application/json")
        assert response.status_code == 400
    response = limited.post("/api/v1/probe/echo", data="{not json", content_type="application/json")
    assert response.status_code == 429


def test_authenticated_callers_are_limited_per_user_not_per_ip(
    settings, engine, session_factory, redis_client
):
    from support.identity import signed_in

    client = build_client(
        settings,
        engine,
        session_factory,
        redis_client,
        RATE_LIMIT_AUTHENTICATED="3/minute",
        RATE_LIMIT_ANONYMOUS="1000/minute",
    )
    alice, bob = signed_in(client), signed_in(client)  # same IP
    for _ in range(3):
        assert client.get("/api/v1/me", headers=alice.auth).status_code == 200
    assert client.get("/api/v1/me", headers=alice.auth).status_code == 429
    assert client.get("/api/v1/me", headers=bob.auth).status_code == 200


def test_the_api_keeps_no_cookie_session(app, client):
    """Bearer tokens only: no response sets a cookie, and no handler could store anything in
    a cookie session (Flask's session is a null one)."""
    assert "Set-Cookie" not in client.get("/health").headers
    # A public route: an anonymous request to a protected one now stops at 401 in preprocessing.
    with app.test_request_context("/api/v1/auth/register", method="POST"):
        app.preprocess_request()
        with pytest.raises(RuntimeError):
            flask.session["user"] = "x"


def test_a_callers_session_does_not_outlive_their_request(client):
    """Grants are cut by the session bound to the request (issue 17, item 1): a pooled
    thread must not carry one caller's session into the next request."""
    from elcorp.shared.application import context
    from support.identity import signed_in

    user = signed_in(client)
    assert client.get("/api/v1/me", headers=user.auth).status_code == 200
    assert context.current_session() is None

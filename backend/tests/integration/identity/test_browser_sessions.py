"""Browser sessions (docs/SECURITY.md "Browser sessions"): with `X-Client: web` the refresh
token is an HttpOnly cookie scoped to /api/v1/auth, never in the body; refreshing from the
cookie needs the dashboard's CSRF header and an allowed Origin; mobile clients are unchanged."""

from __future__ import annotations

import re

from support.identity import enable_mfa, grant_roles, login, register, signed_in, totp_now

AUTH = "/api/v1/auth"
WEB = {"X-Client": "web", "X-Requested-With": "elcorp-dashboard"}
CSRF = {"X-Requested-With": "elcorp-dashboard"}
SEVEN_DAYS = 604_800


def set_cookie(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("elcorp_refresh=")]
    assert len(cookies) == 1, response.headers.getlist("Set-Cookie")
    return cookies[0]


def attributes(cookie: str) -> dict[str, str]:
    parts = [p.strip() for p in cookie.split(";")]
    return {k.lower(): v for k, _, v in (p.partition("=") for p in parts[1:])}


def web_login(client, user):
    return client.post(
        f"{AUTH}/login",
        headers=WEB,
        json={"email": user.email, "password": user.password, "device_id": user.device_id},
    )


def cookie_value(client) -> str | None:
    cookie = client.get_cookie("elcorp_refresh", path=f"{AUTH}")
    return cookie.value if cookie else None


def test_web_login_sets_an_httponly_strict_cookie_and_keeps_the_token_out_of_the_body(client):
    user = register(client)
    response = web_login(client, user)
    assert response.status_code == 200, response.get_json()
    data = response.get_json()["data"]
    assert "refresh_token" not in data
    assert data["access_token"] and data["token_type"] == "Bearer"
    cookie = set_cookie(response)
    attrs = attributes(cookie)
    assert {"httponly", "secure"} <= set(attrs)
    assert attrs["samesite"] == "Strict"
    assert attrs["path"] == f"{AUTH}"
    assert SEVEN_DAYS - 60 <= int(attrs["max-age"]) <= SEVEN_DAYS
    assert response.headers["Cache-Control"] == "no-store"
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {data['access_token']}"}).status_code
        == 200
    )


def test_refresh_from_the_cookie_rotates_it_and_a_replayed_cookie_revokes_the_family(client):
    user = register(client)
    web_login(client, user)
    first = cookie_value(client)
    rotated = client.post(f"{AUTH}/refresh", headers=CSRF)
    assert rotated.status_code == 200, rotated.get_json()
    assert "refresh_token" not in rotated.get_json()["data"]
    second = re.match(r"elcorp_refresh=([^;]+)", set_cookie(rotated)).group(1)
    assert second != first and cookie_value(client) == second
    # The family's absolute end is kept: Max-Age counts down, it does not restart.
    assert int(attributes(set_cookie(rotated))["max-age"]) <= SEVEN_DAYS

    client.set_cookie("elcorp_refresh", first, path=f"{AUTH}")  # the spent one comes back
    replay = client.post(f"{AUTH}/refresh", headers=CSRF)
    assert replay.status_code == 401
    assert replay.get_json()["error"]["code"] == "AUTH_007"
    client.set_cookie("elcorp_refresh", second, path=f"{AUTH}")
    assert client.post(f"{AUTH}/refresh", headers=CSRF).status_code == 401  # the family is dead


def test_refreshing_from_the_cookie_without_the_csrf_header_is_refused(client):
    user = register(client)
    web_login(client, user)
    response = client.post(f"{AUTH}/refresh")
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "CSRF_001"
    assert response.get_json()["error"]["details"][0]["field"] == "X-Requested-With"
    # The cookie was not spent by the refused call.
    assert client.post(f"{AUTH}/refresh", headers=CSRF).status_code == 200


def test_a_foreign_origin_is_refused_and_the_served_origin_accepted(client, container):
    user = register(client)
    web_login(client, user)
    foreign = client.post(f"{AUTH}/refresh", headers={**CSRF, "Origin": "https://evil.example"})
    assert foreign.status_code == 403
    assert foreign.get_json()["error"]["code"] == "CSRF_001"
    same = client.post(f"{AUTH}/refresh", headers={**CSRF, "Origin": "http://localhost"})
    assert same.status_code == 200, same.get_json()
    # PUBLIC_BASE_URL's origin too (a proxy in front may have changed the scheme or host).
    public = container.settings.PUBLIC_BASE_URL.rstrip("/")
    behind_proxy = client.post(f"{AUTH}/refresh", headers={**CSRF, "Origin": public})
    assert behind_proxy.status_code == 200, behind_proxy.get_json()


def test_web_login_without_the_csrf_header_is_refused(client):
    user = register(client)
    response = client.post(
        f"{AUTH}/login",
        headers={"X-Client": "web"},
        json={"email": user.email, "password": user.password, "device_id": user.device_id},
    )
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "CSRF_001"
    assert cookie_value(client) is None


def test_mfa_verify_for_a_browser_sets_the_cookie(client):
    user = signed_in(client)
    enable_mfa(client, user)
    challenge = login(client, user).get_json()["data"]
    response = client.post(
        f"{AUTH}/mfa/verify",
        headers=WEB,
        json={"mfa_token": challenge["mfa_token"], "code": totp_now(user.totp_secret, offset_steps=1)},
    )
    assert response.status_code == 200, response.get_json()
    assert "refresh_token" not in response.get_json()["data"]
    assert attributes(set_cookie(response))["samesite"] == "Strict"


def test_the_body_flow_is_unchanged_and_sets_no_cookie(client):
    user = register(client)
    response = login(client, user)
    assert "refresh_token" in response.get_json()["data"]
    assert not response.headers.getlist("Set-Cookie")
    refreshed = client.post(
        f"{AUTH}/refresh", json={"refresh_token": response.get_json()["data"]["refresh_token"]}
    )
    assert refreshed.status_code == 200
    assert refreshed.get_json()["data"]["refresh_token"]
    assert not refreshed.headers.getlist("Set-Cookie")
    missing = client.post(f"{AUTH}/refresh", json={})
    assert missing.status_code == 422
    assert missing.get_json()["error"]["details"][0]["field"] == "refresh_token"


def test_logout_clears_the_cookie_and_the_session(client):
    user = register(client)
    access = web_login(client, user).get_json()["data"]["access_token"]
    old = cookie_value(client)
    response = client.post(f"{AUTH}/logout", headers={**WEB, "Authorization": f"Bearer {access}"})
    assert response.status_code == 200
    cleared = attributes(set_cookie(response))
    assert cleared["max-age"] == "0" and cleared["path"] == f"{AUTH}"
    assert cookie_value(client) is None
    client.set_cookie("elcorp_refresh", old, path=f"{AUTH}")
    assert client.post(f"{AUTH}/refresh", headers=CSRF).status_code == 401


def test_token_responses_name_the_sessions_absolute_end_and_refresh_keeps_it(client):
    """The dashboard warns before the session's absolute end: a browser sign-in and every
    refresh answer `session_expires_at` (the token family's end), which refreshing never moves."""
    from datetime import UTC, datetime, timedelta

    user = register(client)
    signed = web_login(client, user).get_json()["data"]
    ends = datetime.fromisoformat(signed["session_expires_at"].replace("Z", "+00:00"))
    assert signed["session_expires_at"].endswith("Z")
    expected = datetime.now(UTC) + timedelta(seconds=SEVEN_DAYS)
    assert abs((ends - expected).total_seconds()) < 120
    refreshed = client.post(f"{AUTH}/refresh", headers=CSRF).get_json()["data"]
    assert refreshed["session_expires_at"] == signed["session_expires_at"]
    body_flow = login(client, user).get_json()["data"]  # mobile clients: unchanged
    assert set(body_flow) == {"access_token", "refresh_token", "token_type", "expires_in"}


def test_the_dashboards_mfa_enrolment_flow_for_staff_without_mfa(client, container):
    """What the sign-in page relies on: a staff password sign-in without MFA is a limited
    session (`mfa: false`, staff grants `withheld`) that may enrol; sign-out revokes it; the
    sign-in with the next code gets every grant."""
    user = register(client)
    grant_roles(container, user, "staff")
    signed = web_login(client, user).get_json()["data"]
    bearer = {"Authorization": f"Bearer {signed['access_token']}"}
    limited = client.get("/api/v1/me/permissions", headers=bearer).get_json()["data"]
    assert limited["mfa"] is False and limited["withheld"]

    setup = client.post(f"{AUTH}/mfa/setup", headers=bearer).get_json()["data"]
    assert setup["qr_svg"].lstrip().startswith(("<svg", "<?xml"))
    enabled = client.post(
        f"{AUTH}/mfa/enable",
        headers=bearer,
        json={"code": totp_now(setup["secret"]), "password": user.password},
    )
    assert enabled.status_code == 200, enabled.get_json()
    assert len(enabled.get_json()["data"]["backup_codes"]) == 10

    spent = cookie_value(client)
    out = client.post(f"{AUTH}/logout", headers={**WEB, **bearer}, json={})
    assert out.status_code == 200 and cookie_value(client) is None
    client.set_cookie("elcorp_refresh", spent, path=f"{AUTH}")
    assert client.post(f"{AUTH}/refresh", headers=CSRF).status_code == 401  # the family is revoked

    challenge = web_login(client, user).get_json()["data"]
    assert challenge["mfa_required"] is True
    verified = client.post(
        f"{AUTH}/mfa/verify",
        headers=WEB,
        json={"mfa_token": challenge["mfa_token"], "code": totp_now(setup["secret"], offset_steps=1)},
    )
    assert verified.status_code == 200, verified.get_json()
    full_bearer = {"Authorization": f"Bearer {verified.get_json()['data']['access_token']}"}
    full = client.get("/api/v1/me/permissions", headers=full_bearer).get_json()["data"]
    assert full["mfa"] is True and full["withheld"] == []
    assert set(limited["withheld"]) <= set(full["permissions"])

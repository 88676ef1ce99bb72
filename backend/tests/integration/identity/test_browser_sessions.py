"""Browser sessions (docs/SECURITY.md "Browser sessions"): with `X-Client: web` the refresh
token is an HttpOnly cookie scoped to /api/v1/auth, never in the body; refreshing from the
cookie needs the dashboard's CSRF header and an allowed Origin; mobile clients are unchanged."""

from __future__ import annotations

import re

from support.identity import enable_mfa, login, register, signed_in, totp_now

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

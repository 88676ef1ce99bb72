"""Browser sessions: the staff dashboard's refresh token lives in an HttpOnly cookie that
JavaScript cannot read; the access token stays in the page's memory (docs/SECURITY.md
"Browser sessions").

- A sign-in (`/auth/login`, `/auth/mfa/verify`) or refresh sent with `X-Client: web` answers
  the access token in the body and the refresh token only as the `elcorp_refresh` cookie
  (`HttpOnly; Secure; SameSite=Strict; Path=/api/v1/auth`, Max-Age = what is left of the
  token family's absolute lifetime).
- `POST /auth/refresh` without a `refresh_token` in the body reads the cookie.
- CSRF: every request that sets or reads the cookie must carry
  `X-Requested-With: elcorp-dashboard` (a custom header, which a cross-site form cannot send
  and a cross-site script cannot send without a CORS preflight the API does not grant), and
  an `Origin`, when sent, must be the API's own (as the request names it, or
  PUBLIC_BASE_URL's, for a proxy that terminates TLS) or one of CORS_ORIGINS. SameSite=Strict
  keeps the cookie off cross-site requests in the first place.
- Mobile clients send neither header and keep the refresh token in the body.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import Response, request

from elcorp.identity.domain.errors import BrowserSessionRefused
from elcorp.shared.interfaces.api import API_V1

WEB_CLIENT_HEADER, WEB_CLIENT_VALUE = "X-Client", "web"
CSRF_HEADER, CSRF_VALUE = "X-Requested-With", "elcorp-dashboard"
REFRESH_COOKIE = "elcorp_refresh"
COOKIE_PATH = f"{API_V1}/auth"

SET_COOKIE_HEADER: dict[str, Any] = {
    "Set-Cookie": {
        "description": (
            f"Only with `{WEB_CLIENT_HEADER}: {WEB_CLIENT_VALUE}` (browser sessions): the refresh token as "
            f"`{REFRESH_COOKIE}=<token>; HttpOnly; Secure; SameSite=Strict; Path={COOKIE_PATH}; "
            "Max-Age=<seconds left in the token family>`, and no `refresh_token` in the body."
        ),
        "schema": {"type": "string"},
    }
}
CLEAR_COOKIE_HEADER: dict[str, Any] = {
    "Set-Cookie": {
        "description": f"Clears the browser session's `{REFRESH_COOKIE}` cookie (Max-Age=0).",
        "schema": {"type": "string"},
    }
}

WEB_CLIENT_PARAMETER: dict[str, object] = {
    "name": WEB_CLIENT_HEADER,
    "in": "header",
    "required": False,
    "description": (
        "`web` for a browser session: the refresh token is set as the HttpOnly "
        f"`{REFRESH_COOKIE}` cookie and left out of the body (needs `{CSRF_HEADER}`)"
    ),
    "schema": {"type": "string", "enum": [WEB_CLIENT_VALUE]},
}
CSRF_PARAMETER: dict[str, object] = {
    "name": CSRF_HEADER,
    "in": "header",
    "required": False,
    "description": (
        f"Required (`{CSRF_VALUE}`) on every request that sets or reads the `{REFRESH_COOKIE}` "
        "cookie; without it such a request is 403 CSRF_001"
    ),
    "schema": {"type": "string", "enum": [CSRF_VALUE]},
}
COOKIE_PARAMETER: dict[str, object] = {
    "name": REFRESH_COOKIE,
    "in": "cookie",
    "required": False,
    "description": "The browser session's refresh token, read when the body has no `refresh_token`",
    "schema": {"type": "string"},
}


@dataclass(frozen=True, slots=True)
class WebSessionPolicy:
    secure: bool = True
    allowed_origins: tuple[str, ...] = ()

    @staticmethod
    def is_web_client() -> bool:
        return request.headers.get(WEB_CLIENT_HEADER, "").strip().lower() == WEB_CLIENT_VALUE

    @staticmethod
    def cookie_token() -> str | None:
        return request.cookies.get(REFRESH_COOKIE) or None

    def check_request(self) -> None:
        """The CSRF defence of every request that sets or reads the refresh cookie."""
        if request.headers.get(CSRF_HEADER, "").strip() != CSRF_VALUE:
            raise BrowserSessionRefused(
                f"Browser sessions must send the header {CSRF_HEADER}: {CSRF_VALUE}",
                details=[{"field": CSRF_HEADER, "message": f"must be {CSRF_VALUE}"}],
            )
        origin = request.headers.get("Origin")
        if origin is not None and not self._origin_allowed(origin):
            raise BrowserSessionRefused(
                "This origin may not use browser sessions",
                details=[{"field": "Origin", "message": "not the API's origin nor one of CORS_ORIGINS"}],
            )

    def _origin_allowed(self, origin: str) -> bool:
        wanted = origin.strip().rstrip("/").lower()
        served = request.host_url.rstrip("/").lower()
        return wanted == served or wanted in {o.strip().rstrip("/").lower() for o in self.allowed_origins}

    def set_refresh_cookie(self, response: Response, token: str, max_age: int) -> None:
        response.set_cookie(
            REFRESH_COOKIE,
            token,
            max_age=max_age,
            path=COOKIE_PATH,
            secure=self.secure,
            httponly=True,
            samesite="Strict",
        )

    def clear_refresh_cookie(self, response: Response) -> None:
        response.delete_cookie(
            REFRESH_COOKIE, path=COOKIE_PATH, secure=self.secure, httponly=True, samesite="Strict"
        )


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of a URL (PUBLIC_BASE_URL), as browsers send it in `Origin`."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()

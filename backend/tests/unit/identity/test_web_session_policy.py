"""The browser-session settings and origin rules (docs/SECURITY.md "Browser sessions")."""

from __future__ import annotations

import pytest
from flask import Flask

from elcorp.config import ConfigurationError, Profile, Settings
from elcorp.identity.domain.errors import BrowserSessionRefused
from elcorp.identity.interfaces.web_session import WebSessionPolicy, origin_of

CSRF = {"X-Requested-With": "elcorp-dashboard"}


def test_the_refresh_cookie_is_secure_by_default_and_production_keeps_it_so():
    assert Settings.model_fields["REFRESH_COOKIE_SECURE"].default is True
    settings = Settings(_env_file=None, ENV=Profile.PRODUCTION, REFRESH_COOKIE_SECURE=False)
    with pytest.raises(ConfigurationError, match="REFRESH_COOKIE_SECURE must stay on"):
        settings.ensure_safe_for_profile()


def test_origin_of_keeps_scheme_host_and_port_only():
    assert origin_of("https://App.Elcorp.na/api/v1/") == "https://app.elcorp.na"
    assert origin_of("http://127.0.0.1:8000") == "http://127.0.0.1:8000"


@pytest.mark.parametrize(
    ("headers", "allowed"),
    [
        (CSRF, True),
        ({**CSRF, "Origin": "https://api.elcorp.na"}, True),  # the request's own origin
        ({**CSRF, "Origin": "https://dashboard.elcorp.na/"}, True),  # an allowed one
        ({**CSRF, "Origin": "https://evil.example"}, False),
        ({**CSRF, "Origin": "null"}, False),  # a sandboxed or file: page
        ({"X-Requested-With": "XMLHttpRequest"}, False),
        ({}, False),
    ],
)
def test_the_csrf_check(headers, allowed):
    policy = WebSessionPolicy(allowed_origins=("https://dashboard.elcorp.na",))
    with Flask(__name__).test_request_context(
        "/api/v1/auth/refresh", method="POST", base_url="https://api.elcorp.na", headers=headers
    ):
        if allowed:
            policy.check_request()
        else:
            with pytest.raises(BrowserSessionRefused):
                policy.check_request()

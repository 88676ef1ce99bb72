"""SSRF: with the default settings, an endpoint whose URL is plain http, or whose host is or
resolves to a private, loopback, link-local or otherwise non-public address, is refused at
registration with a 422 naming `url`, and nothing is stored."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from support.governance import make_organization
from support.identity import staff_with_mfa

REFUSED = [
    "http://127.0.0.1/hook",
    "https://127.0.0.1/hook",
    "https://10.0.0.1/hook",
    "https://169.254.169.254/latest/meta-data/",
    "https://[::1]/hook",
    "https://localhost/hook",  # a host name that resolves to loopback
    "https://0.0.0.0/hook",
    "https://example.invalid/hook",  # resolves to nothing
]


@pytest.mark.parametrize("url", REFUSED)
def test_private_or_unresolvable_urls_are_refused_naming_url(client, container, session_factory, url):
    assert container.settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES is False
    admin = staff_with_mfa(client, container, "admin")
    org_id = make_organization(container, f"SSRF {uuid.uuid4().hex[:8]}")
    response = client.post(f"/api/v1/organizations/{org_id}/webhooks", headers=admin.auth, json={"url": url})
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert body["status"] == "validation_error"
    assert [d["field"] for d in body["error"]["details"]] == ["url"]
    with session_factory() as session:
        stored = session.execute(
            text("SELECT count(*) FROM webhook_endpoint WHERE organization_id = :o"), {"o": org_id}
        ).scalar_one()
    assert stored == 0

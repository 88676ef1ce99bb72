"""Helpers for the incident and breach-notification tests."""

from __future__ import annotations

INCIDENTS = "/api/v1/incidents"


def incident_body(**overrides) -> dict:
    body = {
        "type": "security",
        "title": "Phishing mails sent to customers",
        "description": "Customers report mails imitating the platform's sign-in page.",
        "impact": 2,
        "urgency": 2,
    }
    body.update(overrides)
    return body


def open_incident(client, staff, **overrides):
    return client.post(INCIDENTS, headers=staff.auth, json=incident_body(**overrides))


def opened(client, staff, **overrides) -> dict:
    response = open_incident(client, staff, **overrides)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]


def act(client, staff, incident_id: str, verb: str, **body):
    return client.post(f"{INCIDENTS}/{incident_id}/{verb}", headers=staff.auth, json=body)


def get(client, staff, incident_id: str) -> dict:
    response = client.get(f"{INCIDENTS}/{incident_id}", headers=staff.auth)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]


def listed(client, staff, **query) -> list[dict]:
    response = client.get(INCIDENTS, headers=staff.auth, query_string={"per_page": 100, **query})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]


def breach_body(**overrides) -> dict:
    body = {
        "discovered_at": "2026-11-30T08:00:00Z",
        "consequences": "Names and email addresses of 120 customers were exposed; phishing is likely.",
        "measures": "The exposed export was deleted, the link revoked and access keys rotated.",
        "recommendations": "Be wary of mails asking for your password; enable two-factor sign-in.",
    }
    body.update(overrides)
    return body


def outbox_events(container, event_type: str) -> list[dict]:
    from sqlalchemy import text

    with container.session_factory() as session:
        return list(
            session.execute(
                text("SELECT payload FROM outbox_message WHERE event_type = :t ORDER BY occurred_at"),
                {"t": event_type},
            ).scalars()
        )

"""GET /incidents/open-by-priority: the dashboard's count of incidents not yet closed, per
priority, computed from real incidents (closed ones left out, resolved ones still in)."""

from __future__ import annotations

import pytest

from support.identity import grant_roles, signed_in, staff_with_mfa
from support.incidents import act, opened

SUMMARY = "/api/v1/incidents/open-by-priority"


@pytest.fixture
def officer(client, container):
    return staff_with_mfa(client, container, "staff")


def test_counts_not_closed_incidents_per_priority(client, officer):
    opened(client, officer, impact=1, urgency=1)  # P1, open
    opened(client, officer, impact=1, urgency=1)  # P1, open
    acknowledged = opened(client, officer, impact=2, urgency=2)  # P3
    act(client, officer, acknowledged["id"], "acknowledge")
    resolved = opened(client, officer, impact=3, urgency=3)  # P5, resolved: still counted
    act(client, officer, resolved["id"], "resolve", root_cause="Disk full")
    closed = opened(client, officer, impact=3, urgency=2)  # P4, closed: not counted
    assert act(client, officer, closed["id"], "resolve", root_cause="Restarted").status_code == 200
    assert act(client, officer, closed["id"], "close").status_code == 200

    response = client.get(SUMMARY, headers=officer.auth)

    assert response.status_code == 200
    assert response.get_json()["data"] == {
        "total": 4,
        "by_priority": {"P1": 2, "P2": 0, "P3": 1, "P4": 0, "P5": 1},
    }


def test_every_priority_is_listed_when_there_is_none(client, officer):
    data = client.get(SUMMARY, headers=officer.auth).get_json()["data"]

    assert data == {"total": 0, "by_priority": {"P1": 0, "P2": 0, "P3": 0, "P4": 0, "P5": 0}}


def test_anonymous_is_401_customer_and_staff_without_mfa_are_403(client, container):
    customer = signed_in(client)
    staff_without_mfa = signed_in(client)
    grant_roles(container, staff_without_mfa, "staff")

    assert client.get(SUMMARY).status_code == 401
    refused = client.get(SUMMARY, headers=customer.auth)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "ACC_001"
    assert client.get(SUMMARY, headers=staff_without_mfa.auth).status_code == 403

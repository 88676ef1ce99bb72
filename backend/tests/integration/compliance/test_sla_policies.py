"""SLA policies: the seeded defaults, creation and change by sla:manage only (audited),
duplicates and impossible goals refused; the SLA report as a regulatory report source."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from elcorp.compliance.sla.application.sla_report import COLUMNS, SlaReportSource
from support.audit import audit_entries
from support.identity import staff_with_mfa

POLICIES = "/api/v1/sla/policies"


@pytest.fixture
def admin(client, container):
    return staff_with_mfa(client, container, "admin")


@pytest.fixture
def officer(client, container):
    return staff_with_mfa(client, container, "staff")


def body(**overrides):
    return {
        "name": "Payments service requests, high",
        "case_type": "service_request",
        "category": "payments",
        "priority": "high",
        "clock": "business_hours",
        "response_minutes": 120,
        "resolution_minutes": 540,
        "escalation_minutes": 400,
        "pause_on": ["awaiting_customer"],
        **overrides,
    }


def test_the_defaults_cover_every_case_type_with_the_paia_clock(client, officer):
    response = client.get(POLICIES, headers=officer.auth)

    assert response.status_code == 200
    policies = response.get_json()["data"]
    assert {p["case_type"] for p in policies} == {"service_request", "incident", "privacy_request"}
    [paia] = [p for p in policies if p["case_type"] == "privacy_request"]
    assert paia["clock"] == "24x7" and paia["resolution_minutes"] == 30 * 24 * 60
    p1 = next(p for p in policies if p["case_type"] == "incident" and p["priority"] == "P1")
    p4 = next(p for p in policies if p["case_type"] == "incident" and p["priority"] == "P4")
    assert p1["clock"] == "24x7" and p4["clock"] == "business_hours"


def test_an_admin_creates_and_changes_a_policy_and_both_are_audited(client, container, admin):
    created = client.post(POLICIES, json=body(), headers=admin.auth)
    assert created.status_code == 201, created.get_json()
    policy = created.get_json()["data"]

    changed = client.put(f"{POLICIES}/{policy['id']}", json={"resolution_minutes": 1080}, headers=admin.auth)

    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["data"]["resolution_minutes"] == 1080
    assert changed.get_json()["data"]["response_minutes"] == 120
    [entry] = [e for e in audit_entries(container, "sla.policy_created") if e["resource_id"] == policy["id"]]
    assert entry["actor_id"] == admin.id
    [update] = [e for e in audit_entries(container, "sla.policy_updated") if e["resource_id"] == policy["id"]]
    assert update["changes"]["before"]["resolution_minutes"] == 540
    assert update["changes"]["after"]["resolution_minutes"] == 1080


def test_staff_may_read_but_not_manage_policies(client, officer):
    assert client.post(POLICIES, json=body(), headers=officer.auth).status_code == 403


def test_a_second_policy_for_the_same_case_type_category_and_priority_is_refused(client, admin):
    assert client.post(POLICIES, json=body(), headers=admin.auth).status_code == 201

    again = client.post(POLICIES, json=body(name="Another"), headers=admin.auth)

    assert again.status_code == 409 and again.get_json()["error"]["code"] == "SLA_002"


def test_impossible_goals_are_refused_and_nothing_is_stored(client, admin):
    before = len(client.get(POLICIES, headers=admin.auth).get_json()["data"])

    slow = client.post(POLICIES, json=body(response_minutes=600), headers=admin.auth)
    zero = client.post(POLICIES, json=body(escalation_minutes=0), headers=admin.auth)
    unknown = client.put(
        "/api/v1/sla/policies/00000000-0000-4000-8000-000000000000",
        json={"active": False},
        headers=admin.auth,
    )

    assert slow.status_code == 422 and slow.get_json()["error"]["code"] == "SLA_001"
    assert zero.status_code == 422
    assert unknown.status_code == 404 and unknown.get_json()["error"]["code"] == "SLA_006"
    assert len(client.get(POLICIES, headers=admin.auth).get_json()["data"]) == before


def test_the_report_source_renders_the_same_figures_for_the_period(container):
    source = SlaReportSource(container.sla)
    start, end = datetime(2026, 4, 30, 22, tzinfo=UTC), datetime(2026, 5, 31, 22, tzinfo=UTC)

    table = source.table(start, end)

    assert source.report_type == "sla"
    assert table.columns == COLUMNS
    assert table == source.table(start, end)


def test_the_routes_are_in_the_openapi_document_with_bearer_security(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]

    for path, method in [
        ("/api/v1/sla/policies", "get"),
        ("/api/v1/sla/policies", "post"),
        ("/api/v1/sla/policies/{policy_id}", "put"),
        ("/api/v1/sla/cases", "get"),
        ("/api/v1/sla/cases/{case_type}/{case_id}", "get"),
        ("/api/v1/sla/cases/{case_type}/{case_id}/pause", "post"),
        ("/api/v1/sla/report", "get"),
    ]:
        assert paths[path][method]["security"] == [{"bearerAuth": []}], (path, method)

"""The API contract of the incident, retention, risk, SLA and report routes (issue: one list
contract, 201 + Location on creations, 200 on actions, one shape per resource): every answer
checked against the response model the OpenAPI document names for it."""

from __future__ import annotations

import uuid

import pytest
from pydantic import BaseModel

from elcorp.compliance.incidents.interfaces import incidents_schemas as inc
from elcorp.compliance.reports.interfaces import reports_schemas as rpt
from elcorp.compliance.retention.interfaces import retention_schemas as ret
from elcorp.compliance.risks.interfaces import risks_schemas as rsk
from elcorp.compliance.sla.interfaces import sla_schemas as sla
from support.identity import signed_in, staff_with_mfa
from support.incidents import INCIDENTS, act, breach_body, opened

API = "/api/v1"
HOLDS = f"{API}/privacy/legal-holds"
RUNS = f"{API}/privacy/purge-runs"
POLICIES = f"{API}/privacy/retention-policies"
RISKS = f"{API}/risks"
CONTROLS = f"{API}/risks/controls"
SLA_POLICIES = f"{API}/sla/policies"


@pytest.fixture
def officer(client, container):
    return staff_with_mfa(client, container, "staff")


@pytest.fixture
def admin(client, container):
    return staff_with_mfa(client, container, "admin")


def conforms(model: type[BaseModel], data: object) -> None:
    """`data` is exactly what `model` documents (unknown keys refused, every key present)."""
    model.model_validate(data)


def walk(client, who, url: str, limit: int, **query) -> tuple[list[dict], list[dict]]:
    """Follow `next_cursor` to the end: (items, metas)."""
    items: list[dict] = []
    metas: list[dict] = []
    params: dict = {"limit": limit, **query}
    while True:
        response = client.get(url, headers=who.auth, query_string=params)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        items += body["data"]
        metas.append(body["meta"])
        if not body["meta"]["has_more"]:
            assert body["meta"]["next_cursor"] is None
            return items, metas
        params = {"limit": limit, "cursor": body["meta"]["next_cursor"], **query}


# -- incidents ---------------------------------------------------------------------------------
def test_get_incidents_with_limit_5_is_a_page_not_a_422(client, officer):
    for _ in range(6):
        opened(client, officer)

    response = client.get(f"{INCIDENTS}?limit=5", headers=officer.auth)

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert len(body["data"]) == 5
    assert body["meta"]["limit"] == 5 and body["meta"]["has_more"] is True and body["meta"]["next_cursor"]


def test_the_incident_list_walks_by_cursor_without_gaps_or_repeats(client, officer):
    mine = {opened(client, officer)["id"] for _ in range(5)}

    items, metas = walk(client, officer, INCIDENTS, 2, type="security")

    ids = [i["id"] for i in items]
    assert len(ids) == len(set(ids)) and mine <= set(ids)
    assert all(m["has_more"] for m in metas[:-1]) and not metas[-1]["has_more"]
    for item in items:
        conforms(inc.Incident, item)


def test_the_incident_list_keeps_page_and_per_page_as_aliases(client, officer):
    for _ in range(3):
        opened(client, officer)

    first = client.get(INCIDENTS, headers=officer.auth, query_string={"per_page": 1, "page": 1}).get_json()
    second = client.get(INCIDENTS, headers=officer.auth, query_string={"per_page": 1, "page": 2}).get_json()
    by_cursor = client.get(
        INCIDENTS, headers=officer.auth, query_string={"limit": 1, "cursor": first["meta"]["next_cursor"]}
    ).get_json()

    assert first["meta"]["limit"] == 1 and len(first["data"]) == 1
    assert second["data"] == by_cursor["data"] and second["data"] != first["data"]


@pytest.mark.parametrize(
    "url",
    [INCIDENTS, HOLDS, RUNS, POLICIES, RISKS, CONTROLS, SLA_POLICIES, f"{API}/sla/cases", f"{API}/reports"],
)
def test_an_unknown_query_parameter_is_a_422_naming_it(client, admin, url):
    response = client.get(url, headers=admin.auth, query_string={"colour": "red"})

    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert body["status"] == "validation_error"
    assert [d["field"] for d in body["error"]["details"]] == ["colour"]


def test_opening_an_incident_is_201_with_its_location_and_the_shape_of_a_read(client, officer):
    response = client.post(
        INCIDENTS,
        headers=officer.auth,
        json={
            "type": "security",
            "title": "Leaked export",
            "description": "A CSV left public",
            "impact": 2,
            "urgency": 2,
        },
    )

    assert response.status_code == 201, response.get_json()
    created = response.get_json()["data"]
    assert response.headers["Location"] == f"{INCIDENTS}/{created['id']}"
    read = client.get(response.headers["Location"], headers=officer.auth).get_json()["data"]
    listed = client.get(INCIDENTS, headers=officer.auth, query_string={"limit": 100}).get_json()["data"]
    assert set(created) == set(read) == set(next(i for i in listed if i["id"] == created["id"]))
    conforms(inc.Incident, created)
    conforms(inc.Incident, read)


def test_a_timeline_note_is_an_action_answering_200_with_the_incident(client, officer):
    iid = opened(client, officer)["id"]

    response = client.post(
        f"{INCIDENTS}/{iid}/timeline", headers=officer.auth, json={"note": "Called the host"}
    )

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["data"]["timeline"][-1]["note"] == "Called the host"
    conforms(inc.Incident, response.get_json()["data"])
    conforms(inc.Incident, act(client, officer, iid, "acknowledge").get_json()["data"])


def test_recording_a_breach_is_201_with_the_records_location(client, officer):
    iid = opened(client, officer, type="privacy")["id"]

    response = client.post(f"{INCIDENTS}/{iid}/breach-notification", headers=officer.auth, json=breach_body())

    assert response.status_code == 201, response.get_json()
    assert response.headers["Location"] == f"{INCIDENTS}/{iid}/breach-notification"
    conforms(inc.BreachNotification, response.get_json()["data"])
    listed = client.get(INCIDENTS, headers=officer.auth, query_string={"type": "privacy", "limit": 100})
    [item] = [i for i in listed.get_json()["data"] if i["id"] == iid]
    assert item["personal_information_compromised"] is True


# -- retention -----------------------------------------------------------------------------------
def test_a_legal_hold_is_201_with_its_location_and_the_list_walks_by_cursor(client, officer):
    subject = signed_in(client)
    placed = [
        client.post(HOLDS, headers=officer.auth, json={"reason": f"Case {n}", "subject_id": subject.id})
        for n in range(3)
    ]

    for response in placed:
        assert response.status_code == 201, response.get_json()
        assert response.headers["Location"] == f"{HOLDS}/{response.get_json()['data']['id']}"
        conforms(ret.LegalHold, response.get_json()["data"])
    items, metas = walk(client, officer, HOLDS, 2, subject_id=subject.id)
    assert sorted(h["id"] for h in items) == sorted(r.get_json()["data"]["id"] for r in placed)
    assert [m["has_more"] for m in metas] == [True, False]
    released = client.post(f"{HOLDS}/{items[0]['id']}/release", headers=officer.auth)
    assert released.status_code == 200  # no body is read as {}
    conforms(ret.LegalHold, released.get_json()["data"])


def test_a_purge_run_is_201_with_its_location(client, officer):
    response = client.post(RUNS, headers=officer.auth, json={"dry_run": True})

    assert response.status_code == 201, response.get_json()
    run = response.get_json()["data"]
    assert response.headers["Location"] == f"{RUNS}/{run['id']}"
    conforms(ret.PurgeRun, run)
    assert client.get(response.headers["Location"], headers=officer.auth).get_json()["data"] == run


def test_the_retention_policies_are_one_bounded_page(client, officer):
    body = client.get(POLICIES, headers=officer.auth).get_json()

    assert body["meta"]["has_more"] is False and body["meta"]["next_cursor"] is None
    assert body["meta"]["total"] == len(body["data"]) > 0
    for policy in body["data"]:
        conforms(ret.RetentionPolicy, policy)


# -- risks -------------------------------------------------------------------------------------
def risk_body(**overrides) -> dict:
    return {
        "title": f"Card fraud {uuid.uuid4().hex[:6]}",
        "description": "Stolen card details used to top up wallets.",
        "asset": "wallet balances",
        "threat": "top-ups with stolen card details",
        "category": "fraud",
        "likelihood": 4,
        "impact": 3,
        **overrides,
    }


def test_a_risk_and_a_control_are_201_with_their_locations_and_one_shape(client, admin):
    control = client.post(
        CONTROLS,
        headers=admin.auth,
        json={
            "name": f"3-D Secure {uuid.uuid4().hex[:6]}",
            "description": "Issuer step-up",
            "type": "preventive",
        },
    )
    risk = client.post(
        RISKS, headers=admin.auth, json=risk_body(control_ids=[control.get_json()["data"]["id"]])
    )

    assert control.status_code == 201 and risk.status_code == 201, risk.get_json()
    assert control.headers["Location"] == f"{CONTROLS}/{control.get_json()['data']['id']}"
    assert risk.headers["Location"] == f"{RISKS}/{risk.get_json()['data']['id']}"
    conforms(rsk.RiskControl, control.get_json()["data"])
    conforms(rsk.Risk, risk.get_json()["data"])
    reviewed = client.post(
        f"{risk.headers['Location']}/reviews", headers=admin.auth, json={"note": "Checked"}
    )
    assert reviewed.status_code == 200, reviewed.get_json()
    listed = client.get(RISKS, headers=admin.auth, query_string={"limit": 100}).get_json()["data"]
    item = next(r for r in listed if r["id"] == risk.get_json()["data"]["id"])
    assert item == client.get(risk.headers["Location"], headers=admin.auth).get_json()["data"]
    assert [r["note"] for r in item["reviews"]] == ["Checked"]
    conforms(rsk.Risk, item)


def test_the_controls_list_is_paginated_by_cursor(client, admin):
    for n in range(3):
        client.post(
            CONTROLS,
            headers=admin.auth,
            json={
                "name": f"Control {n} {uuid.uuid4().hex[:6]}",
                "description": "A safeguard",
                "type": "detective",
            },
        )

    items, metas = walk(client, admin, CONTROLS, 2)

    assert len(items) == metas[0]["total"] >= 3 and len({c["id"] for c in items}) == len(items)
    assert metas[0]["has_more"] is True and metas[0]["limit"] == 2
    for item in items:
        conforms(rsk.RiskControl, item)


def test_unknown_controls_name_the_control_ids_field(client, admin):
    missing = str(uuid.uuid4())

    response = client.post(RISKS, headers=admin.auth, json=risk_body(control_ids=[missing]))

    assert response.status_code == 422 and response.get_json()["status"] == "validation_error"
    assert response.get_json()["error"]["details"] == [
        {"field": "control_ids", "message": f"no control {missing}"}
    ]


# -- SLA -----------------------------------------------------------------------------------------
def test_an_sla_policy_is_201_with_a_location_that_reads_it(client, admin):
    body = {
        "name": "Vehicles, urgent",
        "case_type": "service_request",
        "category": f"vehicles-{uuid.uuid4().hex[:6]}",
        "priority": "urgent",
        "clock": "24x7",
        "response_minutes": 30,
        "resolution_minutes": 240,
        "escalation_minutes": 180,
    }

    response = client.post(SLA_POLICIES, headers=admin.auth, json=body)

    assert response.status_code == 201, response.get_json()
    policy = response.get_json()["data"]
    assert response.headers["Location"] == f"{SLA_POLICIES}/{policy['id']}"
    read = client.get(response.headers["Location"], headers=admin.auth)
    assert read.status_code == 200 and read.get_json()["data"] == policy
    conforms(sla.SlaPolicy, policy)
    missing = client.get(f"{SLA_POLICIES}/{uuid.uuid4()}", headers=admin.auth)
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "SLA_006"


def test_the_sla_policies_and_cases_lists_walk_by_cursor_in_one_shape(client, container, admin, officer):
    opened(client, officer)
    opened(client, officer)
    container.outbox.dispatch_pending()  # the SLA cases open from the incidents' events

    policies, metas = walk(client, admin, SLA_POLICIES, 3)
    cases, _ = walk(client, admin, f"{API}/sla/cases", 1, case_type="incident")

    assert len(policies) == metas[0]["total"] and metas[0]["has_more"] is True
    assert len({p["id"] for p in policies}) == len(policies)
    for policy in policies:
        conforms(sla.SlaPolicy, policy)
    assert len(cases) >= 2
    for case in cases:
        conforms(sla.SlaCase, case)
    one = client.get(f"{API}/sla/cases/incident/{cases[0]['case_id']}", headers=admin.auth).get_json()["data"]
    assert set(one) == set(cases[0]) and one["events"]


def test_the_sla_report_conforms(client, admin):
    response = client.get(f"{API}/sla/report", headers=admin.auth, query_string={"period": "2026-01"})

    assert response.status_code == 200, response.get_json()
    conforms(sla.SlaReport, response.get_json()["data"])


# -- reports -------------------------------------------------------------------------------------
def test_the_stored_reports_list_takes_limit_and_answers_the_list_meta(client, admin):
    response = client.get(f"{API}/reports", headers=admin.auth, query_string={"limit": 5, "type": "sla"})

    assert response.status_code == 200, response.get_json()
    meta = response.get_json()["meta"]
    assert meta["limit"] == 5 and meta["has_more"] is False and meta["next_cursor"] is None
    for record in response.get_json()["data"]:
        conforms(rpt.RegulatoryReport, record)

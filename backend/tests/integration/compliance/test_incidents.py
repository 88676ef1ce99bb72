"""Incidents opened and worked by staff: the ITIL lifecycle (open -> acknowledged ->
investigating -> resolved -> closed), impact x urgency -> priority, the append-only
timeline that records every change, the SLA events through the outbox, audit entries."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from support.audit import audit_entries
from support.identity import grant_roles, signed_in, staff_with_mfa
from support.incidents import INCIDENTS, act, get, listed, open_incident, opened, outbox_events


@pytest.fixture
def officer(client, container):
    return staff_with_mfa(client, container, "staff")


def test_a_staff_member_opens_an_incident_with_its_priority_from_the_matrix(client, officer):
    data = opened(client, officer, impact=1, urgency=2, affected_systems=["web"], affected_subjects=12)

    assert data["status"] == "open" and data["source"] == "manual"
    assert data["priority"] == "P2" and data["severity"] == "high"  # default severity of a P2
    assert data["reported_by"] == officer.id
    assert data["affected_systems"] == ["web"] and data["affected_subjects"] == 12
    (entry,) = data["timeline"]
    assert entry["kind"] == "opened" and entry["actor"] == officer.id
    assert entry["data"]["priority"] == "P2"


@pytest.mark.parametrize(
    ("impact", "urgency", "priority"),
    [(1, 1, "P1"), (1, 3, "P3"), (2, 2, "P3"), (3, 2, "P4"), (3, 3, "P5")],
)
def test_the_default_matrix_is_itils_three_by_three(client, officer, impact, urgency, priority):
    assert opened(client, officer, impact=impact, urgency=urgency)["priority"] == priority


def test_impact_or_urgency_outside_the_matrix_is_refused(client, officer):
    response = open_incident(client, officer, impact=4, urgency=1)

    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "INC_004"


def test_reading_needs_incident_read_and_writing_needs_mfa_staff(client, container, officer):
    customer = signed_in(client)
    staff_without_mfa = signed_in(client)
    grant_roles(container, staff_without_mfa, "staff")
    incident = opened(client, officer)

    assert client.get(INCIDENTS, headers=customer.auth).status_code == 403
    assert open_incident(client, customer).status_code == 403
    assert open_incident(client, staff_without_mfa).status_code == 403
    assert client.get(f"{INCIDENTS}/{incident['id']}", headers=customer.auth).status_code == 403
    assert client.get(INCIDENTS).status_code == 401


def test_the_lifecycle_runs_open_to_closed_and_each_step_is_on_the_timeline(client, container, officer):
    incident = opened(client, officer)
    iid = incident["id"]

    acknowledged = act(client, officer, iid, "acknowledge").get_json()["data"]
    investigating = act(client, officer, iid, "investigate").get_json()["data"]
    resolved = act(client, officer, iid, "resolve", root_cause="A leaked marketing list").get_json()["data"]
    closed = act(client, officer, iid, "close", note="Post-incident review held").get_json()["data"]

    assert [acknowledged["status"], investigating["status"], resolved["status"], closed["status"]] == [
        "acknowledged",
        "investigating",
        "resolved",
        "closed",
    ]
    assert resolved["root_cause"] == "A leaked marketing list"
    assert acknowledged["acknowledged_at"] and resolved["resolved_at"] and closed["closed_at"]
    moves = [(e["data"]["from"], e["data"]["to"]) for e in closed["timeline"] if e["kind"] == "status"]
    assert moves == [
        ("open", "acknowledged"),
        ("acknowledged", "investigating"),
        ("investigating", "resolved"),
        ("resolved", "closed"),
    ]
    assert all(e["actor"] == officer.id for e in closed["timeline"])
    (resolution,) = [e for e in closed["timeline"] if e["kind"] == "status" and e["data"]["to"] == "resolved"]
    assert resolution["data"]["root_cause"] == "A leaked marketing list"
    actions = [e["action"] for e in audit_entries(container, "incident.closed")]
    assert actions == ["incident.closed"]
    assert len(audit_entries(container, "incident.opened")) == 1


def test_an_action_the_status_does_not_allow_is_a_409(client, officer):
    iid = opened(client, officer)["id"]

    close_open = act(client, officer, iid, "close")
    act(client, officer, iid, "investigate")
    ack_late = act(client, officer, iid, "acknowledge")

    assert close_open.status_code == 409 and close_open.get_json()["error"]["code"] == "INC_001"
    assert close_open.get_json()["error"]["details"]["allowed_from"] == ["resolved"]
    assert ack_late.status_code == 409 and ack_late.get_json()["error"]["code"] == "INC_001"


def test_resolving_needs_a_root_cause_or_a_note(client, officer):
    iid = opened(client, officer)["id"]

    bare = act(client, officer, iid, "resolve")
    with_note = act(client, officer, iid, "resolve", note="Mails stopped; cause unknown so far")

    assert bare.status_code == 422 and bare.get_json()["error"]["code"] == "INC_002"
    assert with_note.status_code == 200
    assert with_note.get_json()["data"]["resolution_note"] == "Mails stopped; cause unknown so far"


def test_a_patch_of_impact_recomputes_the_priority_and_records_what_changed(client, container, officer):
    iid = opened(client, officer, impact=3, urgency=3)["id"]

    response = client.patch(
        f"{INCIDENTS}/{iid}",
        headers=officer.auth,
        json={"impact": 1, "root_cause": "Misconfigured bucket", "data_categories": ["user.contact.email"]},
    )

    assert response.status_code == 200, response.get_json()
    data = response.get_json()["data"]
    assert data["priority"] == "P3" and data["impact"] == 1
    assert data["data_categories"] == ["user.contact.email"]
    change = data["timeline"][-1]
    assert change["kind"] == "updated"
    assert change["data"]["changes"]["priority"] == ["P5", "P3"]
    assert change["data"]["changes"]["impact"] == [3, 1]
    (entry,) = audit_entries(container, "incident.updated")
    assert entry["changes"]["after"]["root_cause"] == "[changed]"  # free text stays out of the trail
    assert entry["changes"]["after"]["priority"] == "P3"


def test_the_owner_must_be_an_active_incident_manager(client, container, officer):
    iid = opened(client, officer)["id"]
    customer = signed_in(client)

    refused = client.patch(f"{INCIDENTS}/{iid}", headers=officer.auth, json={"owner_id": customer.id})
    stranger = client.patch(f"{INCIDENTS}/{iid}", headers=officer.auth, json={"owner_id": str(uuid.uuid4())})
    accepted = client.patch(f"{INCIDENTS}/{iid}", headers=officer.auth, json={"owner_id": officer.id})

    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "INC_005"
    assert stranger.status_code == 422
    assert accepted.status_code == 200 and accepted.get_json()["data"]["owner_id"] == officer.id


def test_a_closed_incident_takes_notes_but_no_edits(client, officer):
    iid = opened(client, officer)["id"]
    act(client, officer, iid, "resolve", note="Done")
    act(client, officer, iid, "close")

    edit = client.patch(f"{INCIDENTS}/{iid}", headers=officer.auth, json={"severity": "low"})
    note = client.post(f"{INCIDENTS}/{iid}/timeline", headers=officer.auth, json={"note": "Regulator asked"})

    assert edit.status_code == 409 and edit.get_json()["error"]["code"] == "INC_003"
    assert note.status_code == 200  # an action on the incident: 200 with the incident
    assert note.get_json()["data"]["timeline"][-1]["note"] == "Regulator asked"


def test_the_timeline_is_append_only_in_the_database(client, container, officer):
    iid = opened(client, officer)["id"]

    for statement in (
        "UPDATE incident_timeline SET note = 'rewritten' WHERE incident_id = :id",
        "DELETE FROM incident_timeline WHERE incident_id = :id",
    ):
        with container.session_factory() as session, pytest.raises(DBAPIError, match="append-only"):
            session.execute(text(statement), {"id": iid})
    with container.session_factory() as session, pytest.raises(DBAPIError, match="append-only"):
        session.execute(text("TRUNCATE incident_timeline CASCADE"))


def test_opening_and_every_move_publish_the_sla_events(client, container, officer):
    iid = opened(client, officer, impact=2, urgency=2)["id"]
    act(client, officer, iid, "acknowledge")
    client.patch(f"{INCIDENTS}/{iid}", headers=officer.auth, json={"urgency": 1})

    (opened_event,) = [
        e for e in outbox_events(container, "compliance.IncidentOpened") if e["incident_id"] == iid
    ]
    changes = [
        e for e in outbox_events(container, "compliance.IncidentStatusChanged") if e["incident_id"] == iid
    ]

    assert (opened_event["type"], opened_event["priority"], opened_event["source"]) == (
        "security",
        "P3",
        "manual",
    )
    assert [(e["status"], e["priority"]) for e in changes] == [("acknowledged", "P3"), ("acknowledged", "P2")]


def test_the_list_pages_and_filters_by_status_type_and_priority(client, officer):
    first = opened(client, officer, type="availability", impact=1, urgency=1)
    second = opened(client, officer, type="privacy", impact=3, urgency=3)
    act(client, officer, second["id"], "acknowledge")

    page = client.get(INCIDENTS, headers=officer.auth, query_string={"per_page": 1}).get_json()
    privacy = listed(client, officer, type="privacy")
    p1 = listed(client, officer, priority="P1")
    acknowledged = listed(client, officer, status="acknowledged")

    assert page["meta"]["limit"] == 1 and page["meta"]["total"] >= 2 and len(page["data"]) == 1
    assert page["meta"]["has_more"] is True and page["meta"]["next_cursor"]
    assert [i["id"] for i in privacy] == [second["id"]]
    assert first["id"] in [i["id"] for i in p1] and second["id"] not in [i["id"] for i in p1]
    assert [i["id"] for i in acknowledged] == [second["id"]]
    assert privacy[0]["timeline"][0]["kind"] == "opened"  # one shape on list and read
    assert privacy[0]["personal_information_compromised"] is False


def test_an_unknown_incident_is_404_and_a_bad_body_is_422(client, officer):
    assert client.get(f"{INCIDENTS}/{uuid.uuid4()}", headers=officer.auth).status_code == 404
    assert open_incident(client, officer, type="weather").status_code == 422
    assert open_incident(client, officer, mass_assigned="x").status_code == 422
    assert act(client, officer, str(uuid.uuid4()), "acknowledge").status_code == 404


def test_reading_an_incident_shows_its_whole_timeline(client, officer):
    iid = opened(client, officer)["id"]
    client.post(f"{INCIDENTS}/{iid}/timeline", headers=officer.auth, json={"note": "Called the host"})

    data = get(client, officer, iid)

    assert [e["kind"] for e in data["timeline"]] == ["opened", "note"]
    assert data["personal_information_compromised"] is False

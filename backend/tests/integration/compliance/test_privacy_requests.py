"""Data-subject requests: filing, the staff queue and the lifecycle (received -> verifying
-> in_progress [-> extended] -> completed | refused), each transition audited; a subject
sees only their own requests."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from support.audit import audit_entries
from support.identity import grant_roles, signed_in, staff_with_mfa
from support.privacy_requests import MINE, QUEUE, act, file_request, filed, install_doubles, started


@pytest.fixture
def ports(client, container):
    return install_doubles(client, container)


@pytest.fixture
def officer(client, container):
    return staff_with_mfa(client, container, "staff")


def when(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_a_filed_request_is_received_and_due_in_30_days(client, ports):
    user = signed_in(client)

    data = filed(client, user, "access", details="Everything you hold about me")

    assert data["status"] == "received"
    assert data["type"] == "access"
    assert data["details"] == "Everything you hold about me"
    assert when(data["due_at"]) - when(data["received_at"]) == timedelta(days=30)
    assert data["overdue"] is False and data["identity_verified"] is False


def test_a_subject_lists_and_reads_only_their_own_requests(client, ports):
    alice, bob = signed_in(client), signed_in(client)
    mine = filed(client, alice, "objection", details="No profiling")

    listed = client.get(MINE, headers=alice.auth).get_json()["data"]
    theirs = client.get(MINE, headers=bob.auth).get_json()["data"]
    other = client.get(f"{MINE}/{mine['id']}", headers=bob.auth)

    assert [r["id"] for r in listed] == [mine["id"]]
    assert theirs == []
    assert other.status_code == 404
    assert client.get(f"{MINE}/{mine['id']}", headers=alice.auth).get_json()["data"]["id"] == mine["id"]


def test_filing_needs_a_signed_in_subject(client, ports):
    assert client.post(MINE, json={"type": "access"}).status_code == 401


def test_a_correction_names_its_field_and_value_and_other_types_carry_none(client, ports):
    user = signed_in(client)

    missing = file_request(client, user, "correction")
    stray = file_request(client, user, "access", correction={"field": "phone", "value": "+264811234567"})
    unknown = file_request(client, user, "correction", correction={"field": "password", "value": "x"})

    assert missing.status_code == 422 and stray.status_code == 422 and unknown.status_code == 422


def test_a_second_open_access_request_is_refused(client, ports):
    user = signed_in(client)
    filed(client, user, "access")

    again = file_request(client, user, "access")

    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "DSR_007"


def test_the_staff_queue_needs_privacy_read_and_mfa(client, container, ports):
    user = signed_in(client)
    filed(client, user, "access")
    staff_without_mfa = signed_in(client)
    grant_roles(container, staff_without_mfa, "staff")

    assert client.get(QUEUE, headers=user.auth).status_code == 403
    assert client.get(QUEUE, headers=staff_without_mfa.auth).status_code == 403


def test_the_queue_filters_by_status_type_and_overdue(client, container, ports, officer):
    user, other = signed_in(client), signed_in(client)
    late = filed(client, user, "access")
    fresh = filed(client, other, "erasure")
    with container.session_factory() as session:  # received 31 days ago
        session.execute(
            text(
                "UPDATE privacy_request SET received_at = now() - interval '31 days', "
                "due_at = now() - interval '1 day' WHERE id = :id"
            ),
            {"id": late["id"]},
        )
        session.commit()

    overdue = client.get(QUEUE, headers=officer.auth, query_string={"overdue": "true"}).get_json()
    erasures = client.get(QUEUE, headers=officer.auth, query_string={"type": "erasure"}).get_json()
    received = client.get(QUEUE, headers=officer.auth, query_string={"status": "received", "per_page": 1})

    assert [r["id"] for r in overdue["data"]] == [late["id"]]
    assert overdue["data"][0]["overdue"] is True and overdue["data"][0]["subject_id"] == user.id
    assert [r["id"] for r in erasures["data"]] == [fresh["id"]]
    body = received.get_json()
    assert body["meta"]["total"] == 2 and body["meta"]["limit"] == 1 and body["meta"]["has_more"] is True
    assert body["data"][0]["id"] == late["id"]  # the earliest due first


def test_work_starts_only_after_a_passed_identity_check(client, ports, officer):
    user = signed_in(client)
    request = filed(client, user, "objection", details="Stop using my data for analytics")
    rid = request["id"]

    too_early = act(client, officer, rid, "start")
    failed = act(client, officer, rid, "verify", method="callback", passed=False, note="no answer")
    still_not = act(client, officer, rid, "start")
    passed = act(client, officer, rid, "verify", method="identity_document", note="ID card checked")
    begun = act(client, officer, rid, "start")

    assert too_early.status_code == 409 and too_early.get_json()["error"]["code"] == "DSR_001"
    assert failed.get_json()["data"]["status"] == "verifying"
    assert still_not.status_code == 409 and still_not.get_json()["error"]["code"] == "DSR_002"
    checks = passed.get_json()["data"]["verifications"]
    assert [(c["method"], c["passed"], c["verified_by"]) for c in checks] == [
        ("callback", False, officer.id),
        ("identity_document", True, officer.id),
    ]
    assert begun.status_code == 200 and begun.get_json()["data"]["status"] == "in_progress"


def test_one_extension_of_at_most_30_days_moves_the_due_date(client, ports, officer):
    user = signed_in(client)
    request = filed(client, user, "objection")
    rid = request["id"]
    started(client, officer, rid)

    too_long = act(client, officer, rid, "extend", days=31, reason="many records")
    extended = act(client, officer, rid, "extend", days=20, reason="records held by an operator")
    twice = act(client, officer, rid, "extend", days=5, reason="still more")

    assert too_long.status_code == 422
    data = extended.get_json()["data"]
    assert data["status"] == "extended"
    assert data["extension"]["days"] == 20 and data["extension"]["reason"] == "records held by an operator"
    assert when(data["due_at"]) - when(request["due_at"]) == timedelta(days=20)
    assert twice.status_code == 409 and twice.get_json()["error"]["code"] == "DSR_003"
    done = act(client, officer, rid, "complete", resolution="Analytics processing stopped")
    assert done.get_json()["data"]["status"] == "completed"


def test_a_refusal_needs_a_reason_and_a_legal_ground_and_is_final(client, ports, officer):
    user = signed_in(client)
    rid = filed(client, user, "objection")["id"]

    bare = act(client, officer, rid, "refuse", reason="no")
    refused = act(
        client,
        officer,
        rid,
        "refuse",
        reason="Processing is needed to keep the account secure",
        legal_ground="POPIA s11(1)(f): legitimate interest outweighs the objection",
    )
    after = act(client, officer, rid, "verify", method="in_person")

    assert bare.status_code == 422
    data = refused.get_json()["data"]
    assert data["status"] == "refused" and data["legal_ground"].startswith("POPIA s11(1)(f)")
    assert after.status_code == 409 and after.get_json()["error"]["code"] == "DSR_001"
    mine = client.get(f"{MINE}/{rid}", headers=user.auth).get_json()["data"]
    assert mine["resolution"] == "Processing is needed to keep the account secure"


def test_an_objection_is_completed_with_how_it_was_handled(client, ports, officer):
    user = signed_in(client)
    rid = filed(client, user, "objection", details="No analytics on my account")["id"]
    started(client, officer, rid)

    silent = act(client, officer, rid, "complete")
    done = act(client, officer, rid, "complete", resolution="Analytics switched off for the account")

    assert silent.status_code == 422
    outcome = done.get_json()["data"]["outcome"]
    assert outcome == {"objection": "upheld", "handling": "Analytics switched off for the account"}


def test_assignment_goes_to_staff_who_may_manage_requests(client, ports, officer):
    user = signed_in(client)
    rid = filed(client, user, "access")["id"]

    to_customer = act(client, officer, rid, "assign", assignee_id=user.id)
    to_nobody = act(client, officer, rid, "assign", assignee_id=str(uuid.uuid4()))
    assigned = act(client, officer, rid, "assign", assignee_id=officer.id)

    assert to_customer.status_code == 422 and to_customer.get_json()["error"]["code"] == "DSR_006"
    assert to_nobody.status_code == 422
    data = assigned.get_json()["data"]
    assert data["assignee_id"] == officer.id and data["status"] == "received"


def test_every_transition_is_audited_without_the_request_details(client, container, ports, officer):
    user = signed_in(client)
    rid = filed(client, user, "objection", details="my secret reason")["id"]
    act(client, officer, rid, "assign", assignee_id=officer.id)
    started(client, officer, rid)
    act(client, officer, rid, "extend", days=10, reason="operator consulted")
    act(client, officer, rid, "complete", resolution="upheld")

    actions = ["created", "assigned", "verified", "started", "extended", "completed"]
    for verb in actions:
        (entry,) = [e for e in audit_entries(container, f"privacy_request.{verb}") if e["resource_id"] == rid]
        assert entry["resource_type"] == "privacy_request"
        assert entry["actor_id"] == (user.id if verb == "created" else officer.id)
        assert entry["changes"]["after"]["subject_id"] == user.id
        assert "my secret reason" not in str(entry)


def test_staff_see_a_request_in_full_and_an_unknown_id_is_not_found(client, ports, officer):
    user = signed_in(client)
    rid = filed(client, user, "access")["id"]

    found = client.get(f"{QUEUE}/{rid}", headers=officer.auth)
    missing = client.get(f"{QUEUE}/{uuid.uuid4()}", headers=officer.auth)
    act_on_missing = act(client, officer, str(uuid.uuid4()), "start")

    assert found.get_json()["data"]["subject_id"] == user.id
    assert missing.status_code == 404 and act_on_missing.status_code == 404


def test_the_routes_are_in_the_openapi_document_with_bearer_security(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    expected = {
        ("/api/v1/me/privacy-requests", "post"),
        ("/api/v1/me/privacy-requests", "get"),
        ("/api/v1/me/privacy-requests/{request_id}", "get"),
        ("/api/v1/me/privacy-requests/{request_id}/bundle", "get"),
        ("/api/v1/privacy-requests", "get"),
        ("/api/v1/privacy-requests/{request_id}", "get"),
        ("/api/v1/privacy-requests/{request_id}/bundle", "get"),
        *(
            ("/api/v1/privacy-requests/{request_id}/" + verb, "post")
            for verb in ("verify", "assign", "start", "complete", "refuse", "extend")
        ),
    }
    for path, method in expected:
        assert path in paths, path
        assert paths[path][method]["security"] == [{"bearerAuth": []}], (path, method)


def test_start_and_complete_read_a_missing_body_as_an_empty_object(client, ports, officer):
    user = signed_in(client)
    rid = filed(client, user, "erasure")["id"]
    other = filed(client, signed_in(client), "erasure")["id"]
    for request_id in (rid, other):
        act(client, officer, request_id, "verify", method="in_person")

    begun = client.post(f"{QUEUE}/{rid}/start", headers=officer.auth)
    client.post(f"{QUEUE}/{other}/start", headers=officer.auth, json={})
    bodiless = client.post(f"{QUEUE}/{rid}/complete", headers=officer.auth)
    done = client.post(f"{QUEUE}/{other}/complete", headers=officer.auth, json={})

    assert begun.status_code == 200, begun.get_json()
    assert bodiless.status_code == 200, bodiless.get_json()
    assert done.status_code == 200, done.get_json()
    assert bodiless.get_json()["data"]["status"] == done.get_json()["data"]["status"] == "completed"
    assert len(ports.erasure.calls) == 2

"""Legal holds over HTTP on real PostgreSQL: placed on a subject or on one record, listed,
released once, audited; refused when they name both or neither; staff only."""

from __future__ import annotations

import uuid

import pytest

from support.audit import audit_entries
from support.identity import signed_in, staff_with_mfa

HOLDS = "/api/v1/privacy/legal-holds"


@pytest.fixture
def officer(client, container):
    return staff_with_mfa(client, container, "staff")


def place(client, officer, **body):
    return client.post(HOLDS, headers=officer.auth, json={"reason": "Litigation HC 2026/17", **body})


def test_a_subject_level_hold_is_placed_listed_and_read(client, container, officer):
    customer = signed_in(client)
    response = place(client, officer, subject_id=customer.id)
    assert response.status_code == 201, response.get_json()
    hold = response.get_json()["data"]
    assert hold["level"] == "subject" and hold["subject_id"] == customer.id and hold["active"] is True
    assert hold["placed_by"] == officer.id and hold["released_at"] is None

    listed = client.get(f"{HOLDS}?active=true&subject_id={customer.id}", headers=officer.auth).get_json()
    assert [h["id"] for h in listed["data"]] == [hold["id"]] and listed["meta"]["total"] == 1
    assert client.get(f"{HOLDS}/{hold['id']}", headers=officer.auth).get_json()["data"] == hold
    (entry,) = [
        e for e in audit_entries(container, "privacy.legal_hold_placed") if e["resource_id"] == hold["id"]
    ]
    assert entry["actor_id"] == officer.id and entry["changes"]["after"]["subject_id"] == customer.id


def test_a_record_level_hold_names_a_table_and_an_id(client, officer):
    record_id = str(uuid.uuid4())
    response = place(client, officer, record_table="payment_transaction", record_id=record_id)
    assert response.status_code == 201, response.get_json()
    hold = response.get_json()["data"]
    assert hold["level"] == "record" and hold["subject_id"] is None
    assert (hold["record_table"], hold["record_id"]) == ("payment_transaction", record_id)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"subject_id": str(uuid.uuid4()), "record_table": "invoice", "record_id": "x"},
        {"record_table": "invoice"},
        {"record_id": "abc"},
    ],
)
def test_a_hold_names_either_a_subject_or_a_record(client, container, officer, body):
    response = place(client, officer, **body)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["code"] == "RET_001"
    assert client.get(HOLDS, headers=officer.auth).get_json()["meta"]["total"] == 0


def test_a_hold_is_released_once(client, container, officer):
    hold = place(client, officer, subject_id=str(uuid.uuid4())).get_json()["data"]
    released = client.post(
        f"{HOLDS}/{hold['id']}/release", headers=officer.auth, json={"reason": "case closed"}
    )
    assert released.status_code == 200, released.get_json()
    data = released.get_json()["data"]
    assert (
        data["active"] is False
        and data["released_by"] == officer.id
        and data["release_reason"] == "case closed"
    )
    again = client.post(f"{HOLDS}/{hold['id']}/release", headers=officer.auth, json={})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "RET_002"
    assert client.get(f"{HOLDS}?active=true", headers=officer.auth).get_json()["meta"]["total"] == 0
    assert client.get(f"{HOLDS}?active=false", headers=officer.auth).get_json()["meta"]["total"] == 1
    assert [e["resource_id"] for e in audit_entries(container, "privacy.legal_hold_released")] == [hold["id"]]


def test_an_unknown_hold_is_404(client, officer):
    assert client.get(f"{HOLDS}/{uuid.uuid4()}", headers=officer.auth).status_code == 404
    assert client.post(f"{HOLDS}/{uuid.uuid4()}/release", headers=officer.auth, json={}).status_code == 404


def test_customers_cannot_see_or_place_holds(client):
    customer = signed_in(client)
    assert client.get(HOLDS, headers=customer.auth).status_code == 403
    assert place(client, customer, subject_id=customer.id).status_code == 403
    assert client.get(HOLDS).status_code == 401


def test_staff_without_an_mfa_session_cannot_place_a_hold(client, container):
    from support.identity import grant_roles

    staff = signed_in(client)
    grant_roles(container, staff, "staff")
    response = place(client, staff, subject_id=staff.id)
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "AUTH_006"
    assert client.get("/api/v1/privacy/purge-runs", headers=staff.auth).status_code == 403

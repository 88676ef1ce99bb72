"""The processing register (POPIA s17): CRUD under /api/v1/privacy/processing-activities,
its rules (declared categories only, transfers to listed recipients abroad, unique names),
authorization and the audit entry of every change, on real PostgreSQL."""

from __future__ import annotations

import uuid

import pytest

from elcorp.compliance.privacy.domain.privacy_register import LawfulBasis, TransferGround
from elcorp.shared.infrastructure.db import metadata
from elcorp.shared.infrastructure.personal_data import declared_columns
from support.audit import audit_entries
from support.identity import signed_in, staff_with_mfa

ACTIVITIES = "/api/v1/privacy/processing-activities"
SEEDED = (
    "Customer accounts",
    "Payments and ledger",
    "Invoices and receipts",
    "Vehicle registry",
    "Service requests and approvals",
    "Security logging",
    "Audit trail",
    "Marketing",
)


@pytest.fixture
def officer(client, container):
    """A compliance officer: staff (privacy:read and privacy:manage) whose session passed MFA."""
    return staff_with_mfa(client, container, "staff")


def activity_body(**overrides) -> dict:
    body = {
        "name": f"Loyalty programme {uuid.uuid4().hex[:6]}",
        "purpose": "Reward customers who pay with their wallet",
        "lawful_basis": "consent",
        "categories": ["user.identity.name", "user.contact.email"],
        "data_subjects": ["customers"],
        "recipients": [
            {
                "name": "Rewards partner",
                "role": "operator",
                "contract_reference": "DPA-2026-014",
                "country": "ZA",
            }
        ],
        "transfers": [
            {
                "recipient": "Rewards partner",
                "country": "ZA",
                "ground": "consent",
                "safeguards": "Operator agreement (POPIA s21)",
            }
        ],
        "retention": "While the customer stays in the programme",
        "retention_basis": "consent",
    }
    body.update(overrides)
    return body


def create(client, officer, **overrides):
    return client.post(ACTIVITIES, json=activity_body(**overrides), headers=officer.auth)


def test_the_platforms_own_activities_are_seeded(client, officer):
    response = client.get(ACTIVITIES, query_string={"per_page": 100}, headers=officer.auth)

    assert response.status_code == 200, response.get_json()
    names = {a["name"] for a in response.get_json()["data"]}
    assert set(SEEDED) <= names
    marketing = next(a for a in response.get_json()["data"] if a["name"] == "Marketing")
    assert marketing["lawful_basis"] == "consent"
    assert marketing["lawful_basis_section"] == "s11(1)(a)"
    assert marketing["transfers"][0]["country"] == "ZA"
    assert marketing["transfers"][0]["section"] == "s72(1)(a)"


def test_every_seeded_category_is_declared_in_the_inventory(client, officer):
    declared = {d.data.category for d in declared_columns(metadata)}
    activities = client.get(ACTIVITIES, query_string={"per_page": 100}, headers=officer.auth).get_json()[
        "data"
    ]

    undeclared = {
        (a["name"], c)
        for a in activities
        if a["name"] in SEEDED
        for c in a["categories"]
        if c not in declared
    }
    assert undeclared == set()


def test_every_category_declared_for_the_existing_tables_has_an_activity(client, officer):
    """Accountability both ways: nothing the platform holds goes unexplained in the register."""
    activities = client.get(ACTIVITIES, query_string={"per_page": 100}, headers=officer.auth).get_json()[
        "data"
    ]
    registered = {c for a in activities for c in a["categories"]}
    existing_tables = {
        "user_account", "password_history", "device_token", "mfa_backup_code", "one_time_token",
        "organization", "organization_member", "team_member", "service_request",
        "service_request_approval", "service_request_transition", "service_request_comment",
        "account", "payment_transaction", "posting", "hold", "invoice_issuer", "invoice", "vehicle",
        "vehicle_transfer", "vehicle_ownership", "reconciliation_item", "settlement_item",
        "audit_log", "audit_export",
    }  # fmt: skip
    declared = {d.data.category for d in declared_columns(metadata) if d.table in existing_tables}

    assert declared - registered == set()


def test_staff_register_an_activity_and_it_is_audited(client, container, officer):
    response = create(client, officer, name="Loyalty programme")

    assert response.status_code == 201, response.get_json()
    created = response.get_json()["data"]
    assert created["name"] == "Loyalty programme"
    assert created["lawful_basis_text"] == LawfulBasis.CONSENT.text
    assert created["recipients"] == [
        {"name": "Rewards partner", "role": "operator", "contract_reference": "DPA-2026-014", "country": "ZA"}
    ]
    assert created["transfers"][0]["ground"] == "consent"
    assert created["transfers"][0]["section"] == TransferGround.CONSENT.section
    assert created["created_by"] == officer.id
    fetched = client.get(f"{ACTIVITIES}/{created['id']}", headers=officer.auth)
    assert fetched.status_code == 200
    assert fetched.get_json()["data"] == created
    [entry] = [
        e
        for e in audit_entries(container, "privacy.activity_registered")
        if e["resource_id"] == created["id"]
    ]
    assert entry["actor_id"] == officer.id
    assert entry["resource_type"] == "processing_activity"
    assert entry["changes"]["after"]["name"] == "Loyalty programme"
    assert entry["changes"]["after"]["categories"] == ["user.identity.name", "user.contact.email"]


def test_an_undeclared_data_category_is_refused_with_its_field(client, officer):
    response = create(client, officer, categories=["user.contact.email", "user.shoe_size"])

    assert response.status_code == 422
    body = response.get_json()
    assert body["error"]["code"] == "PRV_001"
    assert body["error"]["details"] == [
        {"field": "categories.1", "message": "'user.shoe_size' is not a declared data category"}
    ]


def test_a_lawful_basis_outside_s11_is_a_validation_error(client, officer):
    response = create(client, officer, lawful_basis="because we can", data_subjects=[])

    assert response.status_code == 422
    body = response.get_json()
    assert body["status"] == "validation_error"
    assert body["error"]["code"] == "VAL_001"
    fields = {d["field"] for d in body["error"]["details"]}
    assert {"lawful_basis", "data_subjects"} <= fields


def test_unknown_fields_are_refused(client, officer):
    response = create(client, officer, owner="me")

    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "VAL_001"


def test_a_transfer_must_name_a_listed_recipient_outside_namibia(client, officer):
    response = create(
        client,
        officer,
        transfers=[
            {"recipient": "Someone else", "country": "DE", "ground": "consent"},
            {"recipient": "Rewards partner", "country": "NA", "ground": "consent"},
        ],
    )

    assert response.status_code == 422
    body = response.get_json()
    assert body["error"]["code"] == "PRV_003"
    assert [d["field"] for d in body["error"]["details"]] == ["transfers.0.recipient", "transfers.1.country"]


def test_a_transfer_needs_an_s72_ground(client, officer):
    response = create(
        client, officer, transfers=[{"recipient": "Rewards partner", "country": "ZA", "ground": "cheap"}]
    )

    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["field"] == "transfers.0.ground"


def test_names_are_unique_whatever_their_case(client, officer):
    assert create(client, officer, name="Loyalty programme").status_code == 201

    response = create(client, officer, name="LOYALTY programme")

    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "PRV_002"


def test_nothing_is_stored_when_a_rule_fails(client, officer):
    create(client, officer, name="Half-done", categories=["user.nothing"])

    listed = client.get(ACTIVITIES, query_string={"per_page": 100}, headers=officer.auth).get_json()["data"]
    assert "Half-done" not in {a["name"] for a in listed}


def test_an_update_changes_only_what_is_given_and_audits_the_difference(client, container, officer):
    created = create(client, officer).get_json()["data"]

    response = client.patch(
        f"{ACTIVITIES}/{created['id']}",
        json={"status": "retired", "categories": ["user.contact.email"]},
        headers=officer.auth,
    )

    assert response.status_code == 200, response.get_json()
    updated = response.get_json()["data"]
    assert updated["status"] == "retired"
    assert updated["categories"] == ["user.contact.email"]
    assert updated["purpose"] == created["purpose"]
    [entry] = [
        e for e in audit_entries(container, "privacy.activity_updated") if e["resource_id"] == created["id"]
    ]
    assert entry["changes"]["before"] == {
        "categories": ["user.identity.name", "user.contact.email"],
        "status": "active",
    }
    assert entry["changes"]["after"] == {"categories": ["user.contact.email"], "status": "retired"}


def test_an_update_obeys_the_same_rules(client, officer):
    first = create(client, officer, name="First activity").get_json()["data"]
    second = create(client, officer, name="Second activity").get_json()["data"]
    url = f"{ACTIVITIES}/{second['id']}"

    renamed = client.patch(url, json={"name": "first ACTIVITY"}, headers=officer.auth)
    undeclared = client.patch(url, json={"categories": ["made.up"]}, headers=officer.auth)
    stranded = client.patch(url, json={"recipients": []}, headers=officer.auth)  # its transfer names one

    assert (renamed.status_code, renamed.get_json()["error"]["code"]) == (409, "PRV_002")
    assert (undeclared.status_code, undeclared.get_json()["error"]["code"]) == (422, "PRV_001")
    assert (stranded.status_code, stranded.get_json()["error"]["code"]) == (422, "PRV_003")
    unchanged = client.get(url, headers=officer.auth).get_json()["data"]
    assert unchanged["name"] == "Second activity"
    assert first["name"] == "First activity"


def test_a_removed_activity_is_gone_and_its_audit_entry_keeps_it(client, container, officer):
    created = create(client, officer).get_json()["data"]
    url = f"{ACTIVITIES}/{created['id']}"

    response = client.delete(url, headers=officer.auth)

    assert response.status_code == 204
    assert client.get(url, headers=officer.auth).status_code == 404
    [entry] = [
        e for e in audit_entries(container, "privacy.activity_removed") if e["resource_id"] == created["id"]
    ]
    assert entry["changes"]["before"]["name"] == created["name"]


def test_an_unknown_activity_is_404(client, officer):
    url = f"{ACTIVITIES}/{uuid.uuid4()}"

    assert client.get(url, headers=officer.auth).status_code == 404
    assert client.patch(url, json={"status": "retired"}, headers=officer.auth).status_code == 404
    assert client.delete(url, headers=officer.auth).get_json()["error"]["code"] == "RES_001"
    assert client.get(f"{ACTIVITIES}/not-a-uuid", headers=officer.auth).status_code == 404


def test_the_register_is_paged(client, officer):
    first = client.get(ACTIVITIES, query_string={"page": 1, "per_page": 3}, headers=officer.auth).get_json()
    second = client.get(ACTIVITIES, query_string={"page": 2, "per_page": 3}, headers=officer.auth).get_json()
    too_many = client.get(ACTIVITIES, query_string={"per_page": 101}, headers=officer.auth)

    assert len(first["data"]) == 3
    assert first["meta"]["limit"] == 3 and first["meta"]["has_more"] is True
    assert first["meta"]["total"] >= len(SEEDED)
    assert {a["id"] for a in first["data"]}.isdisjoint({a["id"] for a in second["data"]})
    assert too_many.status_code == 422


def test_the_register_filters_by_status(client, officer):
    created = create(client, officer, status="planned").get_json()["data"]

    planned = client.get(ACTIVITIES, query_string={"status": "planned"}, headers=officer.auth).get_json()[
        "data"
    ]

    assert [a["id"] for a in planned] == [created["id"]]


def test_a_plain_user_may_neither_read_nor_change_the_register(client, officer):
    customer = signed_in(client)
    some = client.get(ACTIVITIES, headers=officer.auth).get_json()["data"][0]

    assert client.get(ACTIVITIES, headers=customer.auth).status_code == 403
    assert client.get(f"{ACTIVITIES}/{some['id']}", headers=customer.auth).status_code == 403
    assert client.post(ACTIVITIES, json=activity_body(), headers=customer.auth).status_code == 403
    denied = client.patch(f"{ACTIVITIES}/{some['id']}", json={"status": "retired"}, headers=customer.auth)
    assert denied.status_code == 403
    assert denied.get_json()["error"]["code"] == "ACC_001"
    assert client.delete(f"{ACTIVITIES}/{some['id']}", headers=customer.auth).status_code == 403
    assert client.get(ACTIVITIES).status_code == 401

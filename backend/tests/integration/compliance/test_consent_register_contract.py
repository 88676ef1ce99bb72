"""The notice, consent and processing-register routes under the API contract: creations
answer 201 with Location, a delete 204 with no body, lists follow the one list contract
(cursor, limit, page/per_page aliases, unknown parameters refused naming them)."""

from __future__ import annotations

import uuid

import pytest

from support.identity import signed_in, staff_with_mfa

NOTICES = "/api/v1/privacy/notices"
ACTIVITIES = "/api/v1/privacy/processing-activities"


@pytest.fixture
def officer(client, container):
    return staff_with_mfa(client, container, "staff")


def notice_body(client, **changes) -> dict:
    current = client.get(f"{NOTICES}/current").get_json()["data"]
    body = {
        k: v for k, v in current.items() if k not in {"version", "published_at", "published_by", "sha256"}
    }
    return {**body, **changes}


def activity_body() -> dict:
    return {
        "name": f"Branch visitor log {uuid.uuid4().hex[:6]}",
        "purpose": "Know who visited a branch",
        "lawful_basis": "legitimate_interest",
        "categories": ["user.identity.name"],
        "data_subjects": ["customers"],
        "retention": "One year",
        "retention_basis": "security",
    }


def test_publishing_a_notice_answers_201_with_its_url(client, officer):
    response = client.post(
        NOTICES, headers=officer.auth, json=notice_body(client, summary_of_changes="Wording")
    )

    assert response.status_code == 201, response.get_json()
    notice = response.get_json()["data"]
    assert response.headers["Location"].endswith(f"{NOTICES}/{notice['version']}")
    assert client.get(response.headers["Location"]).get_json()["data"] == notice


def test_the_notice_history_follows_the_list_contract(client, officer):
    for change in ("First wording", "Second wording"):
        client.post(NOTICES, headers=officer.auth, json=notice_body(client, summary_of_changes=change))

    first = client.get(NOTICES, query_string={"limit": 2}).get_json()
    rest = client.get(NOTICES, query_string={"limit": 2, "cursor": first["meta"]["next_cursor"]}).get_json()
    by_page = client.get(NOTICES, query_string={"page": 2, "per_page": 2}).get_json()

    assert first["meta"]["has_more"] is True and first["meta"]["total"] == 3
    assert [n["version"] for n in first["data"] + rest["data"]] == [3, 2, 1]
    assert rest["meta"]["has_more"] is False and rest["meta"]["next_cursor"] is None
    assert by_page["data"] == rest["data"]
    refused = client.get(NOTICES, query_string={"lang": "en"})
    assert refused.status_code == 422
    assert [d["field"] for d in refused.get_json()["error"]["details"]] == ["lang"]


def test_a_new_consent_record_answers_201_with_its_receipt_and_a_repeat_200(client):
    user = signed_in(client)
    body = {"purpose": "analytics", "granted": True}

    made = client.post("/api/v1/me/consents", headers=user.auth, json=body)
    again = client.post("/api/v1/me/consents", headers=user.auth, json=body)

    assert made.status_code == 201 and made.get_json()["meta"]["recorded"] is True
    record = made.get_json()["data"]
    assert made.headers["Location"].endswith(f"/api/v1/me/consents/receipts/{record['id']}")
    receipt = client.get(made.headers["Location"], headers=user.auth).get_json()["data"]
    assert receipt["receipt"]["consentReceiptID"] == record["id"]
    assert again.status_code == 200 and "Location" not in again.headers
    assert again.get_json()["data"] == record and again.get_json()["meta"]["recorded"] is False


def test_staff_recording_a_consent_answers_201_with_the_subjects_consents_url(client, officer):
    user = signed_in(client)

    made = client.post(
        f"/api/v1/privacy/subjects/{user.id}/consents",
        headers=officer.auth,
        json={"purpose": "marketing", "granted": False, "reason": "Phone call to the branch"},
    )

    assert made.status_code == 201, made.get_json()
    assert made.headers["Location"].endswith(f"/api/v1/privacy/subjects/{user.id}/consents")


def test_an_activity_is_created_with_its_url_and_deleted_with_204_and_no_body(client, officer):
    made = client.post(ACTIVITIES, headers=officer.auth, json=activity_body())
    location = made.headers["Location"]
    activity = made.get_json()["data"]

    gone = client.delete(location, headers=officer.auth)

    assert made.status_code == 201 and location.endswith(f"{ACTIVITIES}/{activity['id']}")
    assert gone.status_code == 204 and gone.data == b""
    assert client.get(location, headers=officer.auth).status_code == 404


def test_the_register_follows_the_list_contract(client, officer):
    first = client.get(ACTIVITIES, headers=officer.auth, query_string={"limit": 3}).get_json()
    second = client.get(
        ACTIVITIES, headers=officer.auth, query_string={"limit": 3, "cursor": first["meta"]["next_cursor"]}
    ).get_json()
    unknown = client.get(ACTIVITIES, headers=officer.auth, query_string={"search": "Payments"})

    assert first["meta"]["has_more"] is True and first["meta"]["limit"] == 3
    assert {a["id"] for a in first["data"]}.isdisjoint({a["id"] for a in second["data"]})
    assert unknown.status_code == 422
    assert [d["field"] for d in unknown.get_json()["error"]["details"]] == ["search"]


def test_the_data_inventory_is_one_bounded_page(client, officer):
    body = client.get("/api/v1/privacy/data-inventory", headers=officer.auth).get_json()

    assert body["meta"]["has_more"] is False and body["meta"]["next_cursor"] is None
    assert body["meta"]["total"] == body["meta"]["categories"] == len(body["data"])

"""What each type of data-subject request does when it is answered: a correction is applied
through identity (its own validation) or annotated as disputed, and the subject and the
data's recipients are told; an erasure hands over to the erasure service and a legal hold
refuses it; a marketing opt-out is effective at once."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from elcorp.shared.domain.errors import ServiceUnavailable
from support.audit import audit_entries
from support.identity import signed_in, staff_with_mfa
from support.mail import mails
from support.privacy_requests import MINE, act, file_request, filed, install_doubles, started


@pytest.fixture
def ports(client, container):
    return install_doubles(client, container)


@pytest.fixture
def officer(client, container):
    return staff_with_mfa(client, container, "staff")


def me(client, user) -> dict:
    return client.get("/api/v1/me", headers=user.auth).get_json()["data"]


# -- correction -----------------------------------------------------------------------------------
def test_a_completed_correction_changes_the_profile_and_tells_the_subject(
    client, container, settings, ports, officer
):
    user = signed_in(client)
    rid = filed(client, user, "correction", correction={"field": "full_name", "value": "Ndapewa  Nangolo"})[
        "id"
    ]
    started(client, officer, rid)

    done = act(client, officer, rid, "complete")
    container.outbox.dispatch_pending()

    assert done.status_code == 200, done.get_json()
    data = done.get_json()["data"]
    assert data["status"] == "completed"
    assert data["outcome"] == {"corrected": {"field": "full_name", "changed": True}}
    assert me(client, user)["full_name"] == "Ndapewa Nangolo"  # identity's own normalisation
    assert data["notifications"][0]["recipient"] == "data_subject"
    assert data["notifications"][0]["channel"] == "email"
    (entry,) = [e for e in audit_entries(container, "user.profile_corrected") if e["resource_id"] == user.id]
    assert entry["actor_id"] == officer.id and "Nangolo" not in str(entry)
    (mail,) = [m for m in mails(settings, user.email) if rid in m.get_content()]
    assert "completed" in mail.get_content()


def test_the_recipients_the_register_names_for_the_category_are_recorded_as_notified(client, ports, officer):
    partner = f"Credit bureau {uuid.uuid4().hex[:6]}"
    activity = client.post(
        "/api/v1/privacy/processing-activities",
        headers=officer.auth,
        json={
            "name": f"Credit checks {uuid.uuid4().hex[:6]}",
            "purpose": "Check creditworthiness before an overdraft",
            "lawful_basis": "contract",
            "categories": ["user.identity.name"],
            "data_subjects": ["customers"],
            "recipients": [{"name": partner, "role": "third_party", "country": "NA"}],
            "transfers": [],
            "retention": "5 years",
            "retention_basis": "account",
        },
    )
    assert activity.status_code == 201, activity.get_json()
    user = signed_in(client)
    rid = filed(client, user, "correction", correction={"field": "full_name", "value": "Ndapewa Amutenya"})[
        "id"
    ]
    started(client, officer, rid)

    data = act(client, officer, rid, "complete").get_json()["data"]

    notified = {n["recipient"]: n for n in data["notifications"]}
    assert f"{partner} (third_party)" in notified
    assert notified[f"{partner} (third_party)"]["field"] == "full_name"
    assert "data_subject" in notified


def test_a_corrected_email_must_be_verified_again(client, ports, officer):
    user = signed_in(client)
    new_address = f"ndapewa.{uuid.uuid4().hex[:6]}@example.na"
    rid = filed(client, user, "correction", correction={"field": "email", "value": new_address})["id"]
    started(client, officer, rid)

    act(client, officer, rid, "complete")

    profile = me(client, user)
    assert profile["email"] == new_address and profile["email_verified"] is False


def test_an_invalid_correction_is_refused_by_identity_and_changes_nothing(client, ports, officer):
    user = signed_in(client)
    before = me(client, user)["phone"]
    rid = filed(client, user, "correction", correction={"field": "phone", "value": "not a phone"})["id"]
    started(client, officer, rid)

    response = act(client, officer, rid, "complete")

    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "VAL_006"
    assert me(client, user)["phone"] == before
    assert client.get(f"{MINE}/{rid}", headers=user.auth).get_json()["data"]["status"] == "in_progress"


def test_a_phone_number_already_registered_cannot_be_taken_by_correction(client, ports, officer):
    user, other = signed_in(client), signed_in(client)
    taken = me(client, other)["phone"]
    rid = filed(client, user, "correction", correction={"field": "phone", "value": taken})["id"]
    started(client, officer, rid)

    response = act(client, officer, rid, "complete")

    assert response.status_code == 409
    assert me(client, user)["phone"] != taken


def test_a_refused_correction_carries_a_dispute_annotation(client, ports, officer):
    user = signed_in(client)
    rid = filed(client, user, "correction", correction={"field": "full_name", "value": "Someone Else"})["id"]
    started(client, officer, rid)

    refused = act(
        client,
        officer,
        rid,
        "refuse",
        reason="The name matches the identity document on file",
        legal_ground="POPIA s24(3): correction not made; the request is noted with the information",
    )

    data = refused.get_json()["data"]
    assert data["status"] == "refused"
    assert data["dispute"]["field"] == "full_name"
    assert data["dispute"]["requested_value"] == "Someone Else"
    assert data["dispute"]["recorded_by"] == officer.id
    assert me(client, user)["full_name"] != "Someone Else"
    mine = client.get(f"{MINE}/{rid}", headers=user.auth).get_json()["data"]
    assert mine["dispute"]["reason"] == "The name matches the identity document on file"


# -- erasure ----------------------------------------------------------------------------------
def test_a_completed_erasure_hands_over_to_the_erasure_service_and_shows_the_notice(client, ports, officer):
    user = signed_in(client)
    rid = filed(client, user, "erasure", details="Close and erase my account")["id"]
    started(client, officer, rid)

    done = act(client, officer, rid, "complete")

    assert done.status_code == 200, done.get_json()
    assert ports.erasure.calls == [(uuid.UUID(user.id), uuid.UUID(rid), uuid.UUID(officer.id))]
    notice = client.get(f"{MINE}/{rid}", headers=user.auth).get_json()["data"]
    assert notice["status"] == "completed"
    assert notice["outcome"]["blocked"] is False
    assert notice["outcome"]["erased"] == [
        {"category": "user.contact.phone", "disposal": "crypto_shred", "count": 1},
        {"category": "privacy_request.details", "disposal": "anonymise", "count": 1},
    ]
    assert notice["details"] is None
    assert notice["outcome"]["kept"][0]["basis"] == "fia_transaction"


def test_the_erasure_notice_is_mailed_to_the_address_the_subject_had(
    client, container, settings, ports, officer
):
    user = signed_in(client)
    rid = filed(client, user, "erasure")["id"]
    started(client, officer, rid)

    act(client, officer, rid, "complete")
    container.outbox.dispatch_pending()

    found = [m for m in mails(settings, user.email) if str(m["Subject"]).startswith("Your privacy request")]
    (mail,) = found  # one notice: the closing mail does not repeat it
    body = mail.get_content()
    assert rid in body and "user.contact.phone: crypto_shred" in body
    assert "Financial Intelligence Act 2012: 5 years after the transaction, until 2031-12-31" in body


def test_an_erasure_also_removes_the_subjects_bundles_and_request_texts(client, container, ports, officer):
    user = signed_in(client)
    access = filed(client, user, "access", details="Send me my file, I live at 12 Nelson Mandela Ave")["id"]
    started(client, officer, access)
    container.outbox.dispatch_pending()
    act(client, officer, access, "complete")
    assert client.get(f"{MINE}/{access}/bundle", headers=user.auth).status_code == 200
    erasure = filed(client, user, "erasure", details="Erase me, 12 Nelson Mandela Ave")["id"]
    started(client, officer, erasure)

    done = act(client, officer, erasure, "complete").get_json()["data"]

    erased = {e["category"]: e for e in done["outcome"]["erased"]}
    assert erased["privacy_request.access_bundle"] == {
        "category": "privacy_request.access_bundle",
        "disposal": "delete",
        "count": 1,
    }
    assert erased["privacy_request.details"]["count"] == 2
    with container.session_factory() as session:
        left = session.execute(
            text("SELECT count(*) FROM privacy_access_bundle WHERE subject_id = :s"), {"s": user.id}
        ).scalar_one()
        texts = session.execute(
            text("SELECT details FROM privacy_request WHERE subject_id = :s"), {"s": user.id}
        ).scalars()
        assert left == 0 and all(t is None for t in texts)
    # The requests themselves stay, by id and state: how each was answered.
    mine = client.get(MINE, headers=user.auth).get_json()["data"]
    assert {(r["id"], r["status"]) for r in mine} == {(access, "completed"), (erasure, "completed")}
    assert "Nelson Mandela" not in str(mine)


def test_an_erasure_under_a_legal_hold_is_refused_with_the_holds_reason(app, client, container, officer):
    ports = install_doubles(client, container, hold="Court order 2026/118: records preserved")
    user = signed_in(client)
    rid = filed(client, user, "erasure")["id"]
    started(client, officer, rid)

    response = act(client, officer, rid, "complete")

    data = response.get_json()["data"]
    assert len(ports.erasure.calls) == 1
    assert data["status"] == "refused"
    assert "Court order 2026/118" in data["resolution"]
    assert "legal hold" in data["legal_ground"]
    assert data["outcome"]["blocked"] is True
    assert data["outcome"]["hold_reasons"] == ["Court order 2026/118: records preserved"]
    (entry,) = [e for e in audit_entries(container, "privacy_request.refused") if e["resource_id"] == rid]
    assert entry["actor_id"] == officer.id


def test_an_erasure_is_not_carried_out_before_the_work_started(client, ports, officer):
    user = signed_in(client)
    rid = filed(client, user, "erasure")["id"]

    response = act(client, officer, rid, "complete")

    assert response.status_code == 409 and response.get_json()["error"]["code"] == "DSR_001"
    assert ports.erasure.calls == []


# -- marketing opt-out ------------------------------------------------------------------------
def test_a_marketing_opt_out_takes_effect_when_filed(client, container, ports):
    user = signed_in(client)

    data = filed(client, user, "marketing_opt_out")

    assert ports.opt_out.calls == [(uuid.UUID(user.id), "privacy_request", uuid.UUID(user.id))]
    assert data["status"] == "completed"
    assert data["outcome"]["marketing_opt_out"] == "recorded"
    assert [e["resource_id"] for e in audit_entries(container, "privacy_request.completed")] == [data["id"]]


def test_the_default_opt_out_is_the_consent_ledger(client, container):
    user = signed_in(client)
    granted = client.post(
        "/api/v1/me/consents", headers=user.auth, json={"purpose": "marketing", "granted": True}
    )
    assert granted.status_code == 201, granted.get_json()

    filed(client, user, "marketing_opt_out")

    consents = client.get("/api/v1/me/consents", headers=user.auth).get_json()["data"]
    marketing = next(c for c in consents["consents"] if c["purpose"] == "marketing")
    assert marketing["granted"] is False
    assert [r["action"] for r in consents["history"] if r["purpose"] == "marketing"] == [
        "granted",
        "withdrawn",
    ]


def test_an_opt_out_that_cannot_be_recorded_files_nothing(app, client, container):
    ports = install_doubles(client, container)

    def down(*args, **kwargs):
        raise ServiceUnavailable("The consent ledger is not available")

    ports.opt_out.opt_out = down  # type: ignore[method-assign]
    user = signed_in(client)

    response = file_request(client, user, "marketing_opt_out")

    assert response.status_code == 503
    assert client.get(MINE, headers=user.auth).get_json()["data"] == []

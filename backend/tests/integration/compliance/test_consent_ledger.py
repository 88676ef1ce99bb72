"""The consent ledger: grant and withdraw at once, history kept, never rewritten; consents
given at registration; staff reads audited; nobody reads another subject's consents."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from support.audit import audit_entries
from support.identity import login, register, registration_body, signed_in, staff_with_mfa


def consents(client, user) -> dict:
    response = client.get("/api/v1/me/consents", headers=user.auth)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]


def state(client, user, purpose: str) -> dict:
    return next(c for c in consents(client, user)["consents"] if c["purpose"] == purpose)


def give(client, user, purpose: str, granted: bool, **extra):
    return client.post(
        "/api/v1/me/consents", headers=user.auth, json={"purpose": purpose, "granted": granted, **extra}
    )


def test_a_new_user_has_consented_to_nothing(client):
    user = signed_in(client)

    data = consents(client, user)

    assert {c["purpose"] for c in data["consents"]} == {"marketing", "analytics", "third_party_sharing"}
    assert not any(c["granted"] for c in data["consents"])
    assert data["history"] == []
    assert data["current_notice_version"] >= 1


def test_grant_then_withdraw_takes_effect_at_once_and_keeps_the_history(client, container):
    user = signed_in(client)

    granted = give(client, user, "marketing", True)
    assert granted.status_code == 201, granted.get_json()
    assert state(client, user, "marketing")["granted"] is True

    withdrawn = give(client, user, "marketing", False)
    assert withdrawn.status_code == 201

    now = consents(client, user)
    assert next(c for c in now["consents"] if c["purpose"] == "marketing")["granted"] is False
    # Never retroactive: the grant is still on record, followed by the withdrawal.
    assert [(r["purpose"], r["action"]) for r in now["history"]] == [
        ("marketing", "granted"),
        ("marketing", "withdrawn"),
    ]
    first = now["history"][0]
    assert first["id"] == granted.get_json()["data"]["id"]
    assert first["channel"] == "web" and first["actor_id"] == user.id
    assert first["notice_version"] == now["current_notice_version"]
    assert first["recorded_at"] <= now["history"][1]["recorded_at"]


def test_each_record_is_audited_against_the_subject(client, container):
    user = signed_in(client)

    give(client, user, "analytics", True)
    give(client, user, "analytics", False)

    (grant,) = audit_entries(container, "privacy.consent_granted")
    (withdrawal,) = audit_entries(container, "privacy.consent_withdrawn")
    for entry in (grant, withdrawal):
        assert entry["actor_id"] == user.id
        assert entry["resource_type"] == "user" and entry["resource_id"] == user.id
        assert entry["changes"]["after"]["purpose"] == "analytics"
    assert withdrawal["changes"]["before"]["action"] == "granted"


def test_repeating_a_grant_against_the_same_notice_adds_no_record(client):
    user = signed_in(client)
    give(client, user, "marketing", True)

    again = give(client, user, "marketing", True)

    assert again.status_code == 200 and again.get_json()["meta"]["recorded"] is False
    assert len(consents(client, user)["history"]) == 1


def test_an_unknown_purpose_is_refused_with_its_own_code(client):
    user = signed_in(client)

    response = give(client, user, "account_processing", True)

    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "CON_001"
    assert consents(client, user)["history"] == []


def test_consent_against_a_notice_that_is_no_longer_current_is_refused(client):
    user = signed_in(client)
    current = client.get("/api/v1/privacy/notices/current").get_json()["data"]["version"]

    stale = give(client, user, "marketing", True, notice_version=current + 1)
    fresh = give(client, user, "marketing", True, notice_version=current)

    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "CON_003"
    assert fresh.status_code == 201


def test_the_ledger_refuses_update_and_delete_in_sql(client, container):
    user = signed_in(client)
    record_id = give(client, user, "marketing", True).get_json()["data"]["id"]

    with container.session_factory() as session:
        for statement in (
            "UPDATE consent_record SET action = 'withdrawn' WHERE id = :id",
            "UPDATE consent_record SET ip = '10.0.0.1' WHERE id = :id",
            "DELETE FROM consent_record WHERE id = :id",
        ):
            with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
                session.execute(text(statement), {"id": record_id})
        row = session.execute(
            text("SELECT action FROM consent_record WHERE id = :id"), {"id": record_id}
        ).one()
    assert row.action == "granted"


def test_the_network_evidence_alone_may_be_cleared_when_it_falls_due(client, container):
    user = signed_in(client)
    record_id = give(client, user, "marketing", True).get_json()["data"]["id"]

    with container.session_factory() as session:
        session.execute(text("UPDATE consent_record SET ip = NULL WHERE id = :id"), {"id": record_id})
        session.execute(text("UPDATE consent_record SET user_agent = NULL WHERE id = :id"), {"id": record_id})
        row = session.execute(
            text("SELECT ip, user_agent, action FROM consent_record WHERE id = :id"), {"id": record_id}
        ).one()
    assert (row.ip, row.user_agent, row.action) == (None, None, "granted")


def test_erasing_the_evidence_clears_ip_and_user_agent_and_keeps_the_records(client, container):
    user = signed_in(client)
    give(client, user, "marketing", True)
    give(client, user, "marketing", False)
    with container.session_factory() as session:
        before = session.execute(
            text("SELECT count(*) FROM consent_record WHERE subject_id = :id AND ip IS NOT NULL"),
            {"id": user.id},
        ).scalar()

    cleared = container.consents.erase_evidence(uuid.UUID(user.id))

    with container.session_factory() as session:
        rows = session.execute(
            text("SELECT action, ip, user_agent FROM consent_record WHERE subject_id = :id ORDER BY seq"),
            {"id": user.id},
        ).all()
    assert before == 2 and cleared == 2
    assert [(r.action, r.ip, r.user_agent) for r in rows] == [
        ("granted", None, None),
        ("withdrawn", None, None),
    ]
    (entry,) = audit_entries(container, "privacy.consent_evidence_erased")
    assert entry["resource_id"] == user.id and entry["changes"]["after"] == {"records": 2}
    assert container.consents.erase_evidence(uuid.UUID(user.id)) == 0


def test_registration_records_the_consents_ticked_against_the_current_notice(client, container):
    notice = client.get("/api/v1/privacy/notices/current").get_json()["data"]["version"]
    user = register(client, consents=["marketing", "analytics"])
    container.outbox.dispatch_pending()
    container.outbox.dispatch_pending()  # a second run (or a redelivery) adds nothing

    with container.session_factory() as session:
        rows = session.execute(
            text(
                "SELECT purpose, action, channel, notice_version, actor_id FROM consent_record "
                "WHERE subject_id = :id ORDER BY purpose"
            ),
            {"id": user.id},
        ).all()
    assert [(r.purpose, r.action, r.channel, r.notice_version) for r in rows] == [
        ("analytics", "granted", "registration", notice),
        ("marketing", "granted", "registration", notice),
    ]
    assert {str(r.actor_id) for r in rows} == {user.id}
    assert len(audit_entries(container, "privacy.consent_granted")) == 2


def test_a_withdrawal_made_before_the_registration_event_is_delivered_stands(client, container):
    user = register(client, consents=["marketing"])
    user.access = login(client, user).get_json()["data"]["access_token"]
    assert give(client, user, "marketing", False).status_code == 201

    container.outbox.dispatch_pending()

    data = consents(client, user)
    assert [(r["channel"], r["action"]) for r in data["history"]] == [
        ("registration", "granted"),
        ("web", "withdrawn"),
    ]
    assert next(c for c in data["consents"] if c["purpose"] == "marketing")["granted"] is False


def test_registration_redelivered_records_nothing_twice(client, container):
    user = register(client, consents=["marketing"])
    with container.session_factory() as session:
        payload = session.execute(
            text(
                "SELECT event_type, payload FROM outbox_message WHERE event_type = 'identity.UserRegistered' "
                "AND payload->>'user_id' = :id"
            ),
            {"id": user.id},
        ).one()
    from elcorp.shared.domain.events import event_class

    event = event_class(payload.event_type).from_payload(payload.payload)
    container.consents.on_user_registered(event)
    container.consents.on_user_registered(event)

    with container.session_factory() as session:
        count = session.execute(
            text("SELECT count(*) FROM consent_record WHERE subject_id = :id"), {"id": user.id}
        ).scalar()
    assert count == 1


def test_registration_without_consents_records_none_and_unknown_purposes_are_refused(client, container):
    user = register(client)
    container.outbox.dispatch_pending()
    refused = client.post("/api/v1/auth/register", json=registration_body(consents=["account"]))

    with container.session_factory() as session:
        count = session.execute(
            text("SELECT count(*) FROM consent_record WHERE subject_id = :id"), {"id": user.id}
        ).scalar()
    assert count == 0
    assert refused.status_code == 422


def test_a_marketing_opt_out_from_a_privacy_request_withdraws_at_once(client, container):
    user = signed_in(client)
    staff = staff_with_mfa(client, container, "staff")
    give(client, user, "marketing", True)

    container.consents.opt_out(uuid.UUID(user.id), channel="privacy_request", actor_id=uuid.UUID(staff.id))

    marketing = state(client, user, "marketing")
    assert marketing["granted"] is False
    last = consents(client, user)["history"][-1]
    assert (last["action"], last["channel"], last["actor_id"]) == ("withdrawn", "privacy_request", staff.id)
    (entry,) = audit_entries(container, "privacy.consent_withdrawn")
    assert entry["actor_id"] == staff.id and "staff" in entry["actor_roles"]


def test_staff_read_a_subjects_consents_and_the_access_is_audited(client, container):
    user = signed_in(client)
    give(client, user, "marketing", True)
    staff = staff_with_mfa(client, container, "staff")

    response = client.get(f"/api/v1/privacy/subjects/{user.id}/consents", headers=staff.auth)

    assert response.status_code == 200, response.get_json()
    data = response.get_json()["data"]
    assert data["subject_id"] == user.id and len(data["history"]) == 1
    (entry,) = audit_entries(container, "privacy.consents_viewed")
    assert entry["actor_id"] == staff.id
    assert (entry["resource_type"], entry["resource_id"]) == ("user", user.id)


def test_staff_record_a_withdrawal_on_the_subjects_instruction(client, container):
    user = signed_in(client)
    give(client, user, "third_party_sharing", True)
    staff = staff_with_mfa(client, container, "staff")

    response = client.post(
        f"/api/v1/privacy/subjects/{user.id}/consents",
        headers=staff.auth,
        json={"purpose": "third_party_sharing", "granted": False, "reason": "phoned the call centre"},
    )

    assert response.status_code == 201, response.get_json()
    record = response.get_json()["data"]
    assert (record["channel"], record["actor_id"], record["action"]) == ("staff", staff.id, "withdrawn")
    assert state(client, user, "third_party_sharing")["granted"] is False
    (entry,) = audit_entries(container, "privacy.consent_withdrawn")
    assert entry["actor_id"] == staff.id and entry["reason"] == "phoned the call centre"
    assert entry["resource_id"] == user.id


def test_customers_cannot_record_consents_for_someone_else(client):
    alice, bob = signed_in(client), signed_in(client)

    response = client.post(
        f"/api/v1/privacy/subjects/{alice.id}/consents",
        headers=bob.auth,
        json={"purpose": "marketing", "granted": True, "reason": "trust me"},
    )

    assert response.status_code == 403
    assert consents(client, alice)["history"] == []


def test_staff_reading_an_unknown_subject_get_404(client, container):
    staff = staff_with_mfa(client, container, "staff")

    response = client.get(f"/api/v1/privacy/subjects/{uuid.uuid4()}/consents", headers=staff.auth)

    assert response.status_code == 404


def test_a_customer_cannot_read_another_subjects_consents(client):
    alice, bob = signed_in(client), signed_in(client)
    record_id = give(client, alice, "marketing", True).get_json()["data"]["id"]

    staff_route = client.get(f"/api/v1/privacy/subjects/{alice.id}/consents", headers=bob.auth)
    receipt = client.get(f"/api/v1/me/consents/receipts/{record_id}", headers=bob.auth)

    assert staff_route.status_code == 403
    assert receipt.status_code == 404
    assert consents(client, bob)["history"] == []


def test_consent_endpoints_need_a_token(client):
    assert client.get("/api/v1/me/consents").status_code == 401
    assert (
        client.post("/api/v1/me/consents", json={"purpose": "marketing", "granted": True}).status_code == 401
    )

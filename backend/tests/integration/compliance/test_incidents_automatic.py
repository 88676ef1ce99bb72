"""Automatic incidents, end to end: the real triggers raise their alarm events (a ledger
balance corrupted in SQL and the nightly integrity job, a spent refresh token reused over
HTTP, a tampered audit chain and the verification job, a stalled sequencer, repeated
lockouts from one IP), the outbox is dispatched, and the incident is there in
GET /api/v1/incidents, de-duplicated per alarm key while it is active."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from elcorp.compliance.domain.events import AuditVerificationFailed
from elcorp.jobs.factory import celery_init_app
from elcorp.jobs.tasks import verify_audit_chain
from elcorp.shared.application.audit import Actor, Changes, Resource
from support.audit import audit_entries
from support.identity import grant_roles, login, register, signed_in, staff_with_mfa
from support.incidents import act, get, listed
from support.payments import fund, wallet_of


@pytest.fixture
def officer(client, container):
    return staff_with_mfa(client, container, "staff")


@pytest.fixture
def jobs(app, settings):
    celery_init_app(app, settings)
    return app


def integrity_check(app):
    """Payments' nightly integrity job, as registered on the app's Celery."""
    return app.extensions["celery"].tasks["elcorp.payments.check_integrity"]


@pytest.fixture
def funded(client, container):
    teller = signed_in(client)
    grant_roles(container, teller, "staff")
    user = signed_in(client)
    user.wallet = wallet_of(client, container, user)
    fund(container, teller, user.wallet["id"], "1000.00")
    return user


def automatic(client, officer, key: str | None = None) -> list[dict]:
    found = listed(client, officer, source="automatic")
    return [i for i in found if key is None or i["alarm_key"] == key]


def corrupt_balance(container, wallet_id: str) -> None:
    with container.session_factory() as session:
        session.execute(text("UPDATE account SET balance = balance + 5 WHERE id = :w"), {"w": wallet_id})
        session.commit()


def test_a_ledger_mismatch_found_by_the_integrity_job_opens_a_p1_security_incident(
    client, container, jobs, officer, funded
):
    corrupt_balance(container, funded.wallet["id"])
    with jobs.app_context():
        assert integrity_check(jobs).run()["ok"] is False

    container.outbox.dispatch_pending()

    (incident,) = automatic(client, officer, "ledger_integrity")
    assert (incident["type"], incident["priority"], incident["severity"], incident["status"]) == (
        "security",
        "P1",
        "critical",
        "open",
    )
    assert "Accounts whose cached balance or holds differ from their postings: 1." in incident["description"]
    opened = get(client, officer, incident["id"])["timeline"][0]
    assert opened["actor"] == "system" and opened["data"]["facts"]["mismatched_accounts"] == 1
    assert opened["data"]["facts"]["event_type"] == "payments.LedgerIntegrityFailed"
    (entry,) = [e for e in audit_entries(container, "incident.opened") if e["resource_id"] == incident["id"]]
    assert entry["actor_id"] == "system" and entry["changes"]["after"]["source"] == "automatic"


def test_reusing_a_spent_refresh_token_over_http_opens_a_theft_incident(client, container, officer):
    user = signed_in(client)
    stolen = user.refresh
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": stolen}).status_code == 200
    reuse = client.post("/api/v1/auth/refresh", json={"refresh_token": stolen})
    assert reuse.get_json()["error"]["code"] == "AUTH_007"

    container.outbox.dispatch_pending()

    (incident,) = automatic(client, officer, f"refresh_token_reuse:{user.id}")
    assert incident["title"] == "Refresh-token theft detected"
    assert (incident["type"], incident["priority"], incident["affected_subjects"]) == ("security", "P2", 1)
    assert user.id in incident["description"]


def test_a_tampered_audit_chain_found_by_the_verification_job_opens_an_incident(
    client, container, jobs, officer
):
    for i in range(3):
        with container.uow() as uow:
            uow.audit.record("test.action", Actor(id=f"user-{i}"), Resource("thing", str(i)), Changes())
            uow.commit()
    container.audit_sequencer.run()
    with container.session_factory() as session:  # what only the tables' owner could do
        session.execute(text("ALTER TABLE audit_chain DISABLE TRIGGER audit_chain_no_update_delete"))
        session.execute(text("UPDATE audit_chain SET hash = repeat('0', 64) WHERE seq = 2"))
        session.execute(text("ALTER TABLE audit_chain ENABLE TRIGGER audit_chain_no_update_delete"))
        session.commit()
    with jobs.app_context():
        assert verify_audit_chain.run()["ok"] is False

    container.outbox.dispatch_pending()

    (incident,) = automatic(client, officer, "audit_verification")
    assert (incident["type"], incident["priority"]) == ("security", "P1")
    assert "First bad sequence number: 2." in incident["description"]


def test_a_stalled_sequencer_opens_an_availability_incident(client, container, officer):
    from elcorp.compliance.audit.infrastructure.monitoring import observe_lag

    with container.uow() as uow:
        uow.audit.record("test.action", Actor(id="user-x"), Resource("thing"), Changes())
        uow.commit()
    waiting, age = container.audit_sequencer.lag()
    with container.uow() as uow:
        assert observe_lag(uow, waiting, age, max_lag_seconds=-1) is True

    container.outbox.dispatch_pending()

    (incident,) = automatic(client, officer, "audit_sequencer")
    assert (incident["type"], incident["priority"], incident["severity"]) == ("availability", "P2", "high")


def test_a_repeated_alarm_adds_a_note_to_the_active_incident_instead_of_a_second_one(
    client, container, jobs, officer, funded
):
    corrupt_balance(container, funded.wallet["id"])
    with jobs.app_context():
        integrity_check(jobs).run()
        container.outbox.dispatch_pending()
        integrity_check(jobs).run()
        container.outbox.dispatch_pending()

    (incident,) = automatic(client, officer, "ledger_integrity")
    timeline = get(client, officer, incident["id"])["timeline"]
    assert [e["kind"] for e in timeline] == ["opened", "alarm"]
    assert timeline[1]["note"] == "Alarm repeated: Ledger integrity check failed"
    assert len(audit_entries(container, "incident.alarm_repeated")) == 1


def test_once_resolved_the_next_alarm_opens_a_new_incident(client, container, jobs, officer, funded):
    corrupt_balance(container, funded.wallet["id"])
    with jobs.app_context():
        integrity_check(jobs).run()
        container.outbox.dispatch_pending()
        (first,) = automatic(client, officer, "ledger_integrity")
        act(client, officer, first["id"], "resolve", root_cause="Manual balance edit in SQL")
        integrity_check(jobs).run()
        container.outbox.dispatch_pending()

    found = automatic(client, officer, "ledger_integrity")
    assert len(found) == 2
    assert sorted(i["status"] for i in found) == ["open", "resolved"]


def test_a_redelivered_alarm_event_changes_nothing(client, container, officer):
    event = AuditVerificationFailed(first_bad_seq=7, reason="hash mismatch")

    container.incident_alarms.on_audit_verification_failed(event)
    container.incident_alarms.on_audit_verification_failed(event)  # at-least-once delivery

    (incident,) = automatic(client, officer, "audit_verification")
    assert [e["kind"] for e in get(client, officer, incident["id"])["timeline"]] == ["opened"]


def test_repeated_lockouts_from_one_ip_open_one_incident(client, container, officer, settings):
    threshold = settings.INCIDENT_LOCKOUT_THRESHOLD
    for _ in range(threshold):
        victim = register(client)
        for _ in range(settings.LOGIN_MAX_CONSECUTIVE_FAILURES):
            assert login(client, victim, password="Wrong-Password-123!").status_code == 401

    container.outbox.dispatch_pending()

    (incident,) = automatic(client, officer, "lockouts:127.0.0.1")
    assert (incident["type"], incident["priority"]) == ("security", "P3")
    assert f"{threshold} account lockouts from 127.0.0.1" in incident["description"]


def test_lockouts_below_the_threshold_or_without_an_ip_open_nothing(client, container, officer):
    from elcorp.identity.domain.events import AccountLocked

    alarms = container.incident_alarms
    alarms.on_account_locked(AccountLocked(user_id=uuid.uuid4(), locked_seconds=60, ip="192.0.2.7"))
    for _ in range(5):
        alarms.on_account_locked(AccountLocked(user_id=uuid.uuid4(), locked_seconds=60))

    assert automatic(client, officer) == []

"""POPIA s22 breach notification: an incident marked as a security compromise of personal
information carries the s22 record (discovery, the Regulator's and the subjects'
notification, the s22(5) content); the letter to the subjects comes from the template
(text and PDF, SHA-256 in Repr-Digest); a daily job escalates until both notifications
are recorded; every change is on the timeline and in the audit trail."""

from __future__ import annotations

import base64
import hashlib
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from elcorp.jobs.factory import celery_init_app
from support.audit import audit_entries
from support.identity import signed_in, staff_with_mfa
from support.incidents import INCIDENTS, breach_body, get, opened
from support.mail import mails


@pytest.fixture
def officer(client, container):
    return staff_with_mfa(client, container, "staff")


def z(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def mark(client, staff, incident_id: str, **overrides):
    return client.post(
        f"{INCIDENTS}/{incident_id}/breach-notification", headers=staff.auth, json=breach_body(**overrides)
    )


def patch(client, staff, incident_id: str, **body):
    return client.patch(f"{INCIDENTS}/{incident_id}/breach-notification", headers=staff.auth, json=body)


@pytest.fixture
def breach(client, officer):
    incident = opened(client, officer, type="privacy", title="Customer export left public")
    discovered = datetime.now(UTC) - timedelta(hours=5)
    response = mark(client, officer, incident["id"], discovered_at=z(discovered))
    assert response.status_code == 201, response.get_json()
    return incident["id"], discovered


def test_marking_an_incident_records_the_s22_facts_on_its_timeline_and_audit(
    client, container, officer, breach
):
    iid, discovered = breach

    data = client.get(f"{INCIDENTS}/{iid}/breach-notification", headers=officer.auth).get_json()["data"]
    incident = get(client, officer, iid)

    assert data["discovered_at"].startswith(z(discovered)[:19])
    assert data["regulator_notified_at"] is None and data["subjects_notified_at"] is None
    assert data["complete"] is False and data["overdue"] is False and data["within_target"] is None
    assert data["target_hours"] == 72
    assert data["consequences"].startswith("Names and email addresses")
    assert incident["personal_information_compromised"] is True
    assert incident["timeline"][-1]["kind"] == "breach_marked"
    (entry,) = audit_entries(container, "incident.breach_marked")
    assert entry["resource_id"] == iid and entry["actor_id"] == officer.id


def test_an_incident_is_marked_once(client, officer, breach):
    iid, _ = breach

    again = mark(client, officer, iid)

    assert again.status_code == 409 and again.get_json()["error"]["code"] == "INC_006"


def test_an_unmarked_incident_has_no_record_and_an_unknown_one_is_404(client, officer):
    iid = opened(client, officer)["id"]

    none = client.get(f"{INCIDENTS}/{iid}/breach-notification", headers=officer.auth)
    unknown = client.get(f"{INCIDENTS}/{uuid.uuid4()}/breach-notification", headers=officer.auth)

    assert none.status_code == 404 and none.get_json()["error"]["code"] == "INC_007"
    assert unknown.status_code == 404 and unknown.get_json()["error"]["code"] == "RES_001"


def test_recording_both_notifications_completes_the_record_within_the_target(
    client, container, officer, breach
):
    iid, discovered = breach

    regulator = patch(
        client,
        officer,
        iid,
        regulator_notified_at=z(discovered + timedelta(hours=2)),
        regulator_reference="IR-2026-0042",
    )
    subjects = patch(
        client, officer, iid, subjects_notified_at=z(discovered + timedelta(hours=3)), channel="email"
    )

    assert regulator.status_code == 200, regulator.get_json()
    assert regulator.get_json()["data"]["regulator_reference"] == "IR-2026-0042"
    assert regulator.get_json()["data"]["complete"] is False
    done = subjects.get_json()["data"]
    assert done["complete"] is True and done["within_target"] is True and done["channel"] == "email"
    kinds = [e["kind"] for e in get(client, officer, iid)["timeline"]]
    assert kinds[-2:] == ["regulator_notified", "subjects_notified"]
    assert [
        e["changes"]["after"]["complete"] for e in audit_entries(container, "incident.breach_updated")
    ] == [
        False,
        True,
    ]


def test_notifications_can_be_recorded_when_marking(client, officer):
    iid = opened(client, officer)["id"]
    discovered = datetime.now(UTC) - timedelta(days=5)

    response = mark(
        client,
        officer,
        iid,
        discovered_at=z(discovered),
        regulator_notified_at=z(discovered + timedelta(days=4)),
        regulator_reference="IR-77",
        subjects_notified_at=z(discovered + timedelta(days=4)),
        channel="post",
        unauthorised_party="A former contractor",
    )

    data = response.get_json()["data"]
    assert response.status_code == 201 and data["complete"] is True
    assert data["within_target"] is False  # 96 hours after discovery: later than the 72-hour target
    assert data["unauthorised_party"] == "A former contractor"


def test_a_bad_notification_given_when_marking_leaves_the_incident_unmarked(client, container, officer):
    iid = opened(client, officer)["id"]
    discovered = datetime.now(UTC) - timedelta(hours=1)

    response = mark(
        client,
        officer,
        iid,
        discovered_at=z(discovered),
        regulator_notified_at=z(discovered - timedelta(hours=1)),
        regulator_reference="IR-1",
    )

    assert response.status_code == 422 and response.get_json()["error"]["code"] == "INC_008"
    assert client.get(f"{INCIDENTS}/{iid}/breach-notification", headers=officer.auth).status_code == 404
    assert [e["kind"] for e in get(client, officer, iid)["timeline"]] == ["opened"]
    assert audit_entries(container, "incident.breach_marked") == []


def test_notification_times_before_the_discovery_or_in_the_future_are_refused(client, officer, breach):
    iid, discovered = breach
    future = datetime.now(UTC) + timedelta(days=1)

    early = patch(
        client,
        officer,
        iid,
        regulator_notified_at=z(discovered - timedelta(hours=1)),
        regulator_reference="X",
    )
    later = patch(client, officer, iid, subjects_notified_at=z(future), channel="email")
    no_reference = patch(client, officer, iid, regulator_notified_at=z(discovered + timedelta(hours=1)))
    no_channel = patch(client, officer, iid, subjects_notified_at=z(discovered + timedelta(hours=1)))
    naive = patch(client, officer, iid, subjects_notified_at="2026-11-30T10:00:00", channel="email")

    assert early.status_code == 422 and early.get_json()["error"]["code"] == "INC_008"
    assert later.status_code == 422 and later.get_json()["error"]["code"] == "INC_008"
    assert no_reference.status_code == 422 and no_reference.get_json()["error"]["code"] == "INC_009"
    assert no_channel.status_code == 422 and no_channel.get_json()["error"]["code"] == "INC_009"
    assert naive.status_code == 422
    record = client.get(f"{INCIDENTS}/{iid}/breach-notification", headers=officer.auth).get_json()["data"]
    assert record["regulator_notified_at"] is None and record["subjects_notified_at"] is None


def test_the_letter_to_the_subjects_carries_the_s22_5_content_as_text_and_pdf(
    client, container, officer, breach
):
    iid, _ = breach
    patch(client, officer, iid, unauthorised_party="Unknown party using a leaked link")

    letter = client.get(
        f"{INCIDENTS}/{iid}/breach-notification/letter", headers=officer.auth, query_string={"format": "text"}
    )
    pdf = client.get(f"{INCIDENTS}/{iid}/breach-notification/letter", headers=officer.auth)

    assert letter.status_code == 200 and letter.mimetype == "text/plain"
    body = letter.get_data(as_text=True)
    assert "section 22 of the Protection of Personal Information Act" in body
    assert "Names and email addresses of 120 customers were exposed" in body  # s22(5)(a)
    assert "access keys rotated" in body  # (b)
    assert "enable two-factor sign-in" in body  # (c)
    assert "Unknown party using a leaked link" in body  # (d)
    assert "We are notifying the Information Regulator" in body
    digest = base64.b64encode(hashlib.sha256(letter.get_data()).digest()).decode()
    assert letter.headers["Repr-Digest"] == f"sha-256=:{digest}:"
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.get_data().startswith(b"%PDF")
    assert pdf.headers["Repr-Digest"].startswith("sha-256=:")
    assert len(audit_entries(container, "incident.breach_letter_generated")) == 2


def test_the_breach_endpoints_need_incident_permissions(client, officer, breach):
    iid, _ = breach
    customer = signed_in(client)

    assert client.get(f"{INCIDENTS}/{iid}/breach-notification", headers=customer.auth).status_code == 403
    assert mark(client, customer, iid).status_code == 403
    assert (
        client.get(f"{INCIDENTS}/{iid}/breach-notification/letter", headers=customer.auth).status_code == 403
    )


def test_the_daily_job_escalates_until_both_notifications_are_recorded(
    app, client, container, settings, officer, breach
):
    iid, discovered = breach
    celery = celery_init_app(app, settings)
    escalate_breach_notifications = celery.tasks["elcorp.compliance.escalate_breach_notifications"]

    with app.app_context():
        first = escalate_breach_notifications.run()
        same_day = escalate_breach_notifications.run()  # a re-run the same day sends nothing twice
    container.outbox.dispatch_pending()

    assert first == {"escalated": 1} and same_day == {"escalated": 0}
    note = get(client, officer, iid)["timeline"][-1]
    assert note["kind"] == "breach_escalated" and note["actor"] == "system"
    assert "the Information Regulator and the data subjects" in note["note"]
    (entry,) = audit_entries(container, "incident.breach_escalated")
    assert entry["changes"]["after"]["escalations"] == 1
    mailed = mails(settings, officer.email)
    assert any("Breach notification outstanding" in str(m["Subject"]) for m in mailed)

    with container.session_factory() as session:  # the next day
        session.execute(
            text("UPDATE breach_notification SET last_escalated_at = last_escalated_at - interval '1 day'")
        )
        session.commit()
    patch(
        client,
        officer,
        iid,
        regulator_notified_at=z(discovered + timedelta(hours=1)),
        regulator_reference="IR-1",
    )
    with app.app_context():
        second = escalate_breach_notifications.run()
    assert second == {"escalated": 1}
    assert "not yet notified: the data subjects (" in get(client, officer, iid)["timeline"][-1]["note"]

    with container.session_factory() as session:
        session.execute(
            text("UPDATE breach_notification SET last_escalated_at = last_escalated_at - interval '1 day'")
        )
        session.commit()
    patch(client, officer, iid, subjects_notified_at=z(discovered + timedelta(hours=2)), channel="website")
    with app.app_context():
        assert escalate_breach_notifications.run() == {"escalated": 0}  # both recorded: it stops


def test_the_escalation_job_is_on_the_beat_schedule(container):
    from elcorp.jobs.schedule import beat_schedule

    entry = beat_schedule(container)["compliance-breach-escalation"]
    assert entry["task"] == "elcorp.compliance.escalate_breach_notifications"

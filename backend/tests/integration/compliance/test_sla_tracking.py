"""SLA tracking end to end: events go through the outbox into each case's history, and the
API shows the state derived at a controlled instant — across the Africa/Windhoek weekend of
Friday 22 May 2026, Africa Day (Monday 25 May) and Genocide Remembrance Day (Thursday 28
May), with pause and resume, for each case type; escalation once; the monthly report."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from elcorp.compliance.domain.events import IncidentOpened, IncidentStatusChanged
from elcorp.compliance.privacy.domain.privacy_requests import (
    PrivacyRequestClosed,
    PrivacyRequestExtended,
    PrivacyRequestFiled,
    PrivacyRequestVerificationRecorded,
)
from elcorp.compliance.wiring import build_sla
from elcorp.governance.domain.service_requests import (
    ServiceRequestApproved,
    ServiceRequestAssigned,
    ServiceRequestCompleted,
    ServiceRequestSubmitted,
)
from elcorp.main import container_of
from elcorp.shared.domain.clock import WINDHOEK, isoformat_z
from support.audit import audit_entries
from support.containers import replacing, serve
from support.identity import signed_in, staff_with_mfa
from support.mail import mails

CASES = "/api/v1/sla/cases"


def windhoek(day: int, hour: int, minute: int = 0, month: int = 5) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=WINDHOEK).astimezone(UTC)


def z(moment: datetime) -> str:
    return isoformat_z(moment)


@dataclass
class MovableClock:
    current: datetime

    def now(self) -> datetime:
        return self.current


@pytest.fixture
def clock(client, container):
    """The SLA service the API uses, on a clock the test moves."""
    moving = MovableClock(windhoek(22, 16))
    serve(client, replacing(container, sla=build_sla(container.compliance_module, clock=moving)))
    return moving


@pytest.fixture
def officer(client, container):
    return staff_with_mfa(client, container, "staff")


def deliver(container, *events) -> None:
    """Publish as the owning context does (outbox, same transaction), then dispatch."""
    with container.uow() as uow:
        for event in events:
            uow.publish(event)
        uow.commit()
    container.outbox.dispatch_pending()


def case_at(client, officer, clock, moment, case_type, case_id):
    clock.current = moment
    response = client.get(f"{CASES}/{case_type}/{case_id}", headers=officer.auth)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]


def listed(client, officer, **query):
    response = client.get(CASES, headers=officer.auth, query_string=query)
    assert response.status_code == 200, response.get_json()
    return [c["case_id"] for c in response.get_json()["data"]]


# -- service requests (business hours, paused while awaiting approval) ---------------------
def submitted(request_id, at, priority="normal"):
    return ServiceRequestSubmitted(
        request_id=request_id,
        requester_id=uuid.uuid4(),
        category="account_change",
        priority=priority,
        chain_version=1,
        occurred_at=at,
    )


def test_a_service_request_pauses_for_approval_across_the_weekend_and_public_holidays(
    client, container, clock, officer
):
    request_id = uuid.uuid4()
    deliver(container, submitted(request_id, windhoek(22, 16)))  # Friday 16:00
    assigned = ServiceRequestAssigned(
        request_id=request_id,
        assignee_kind="user",
        assignee_id=uuid.uuid4(),
        assigned_by=uuid.uuid4(),
        occurred_at=windhoek(26, 8, 30),  # Tuesday, after Africa Day
    )
    deliver(container, assigned)

    paused = case_at(client, officer, clock, windhoek(26, 10), "service_request", request_id)
    assert paused["state"] == "paused" and paused["pause_reason"] == "awaiting_approval"
    assert paused["response"]["met"] is True and paused["response"]["elapsed_minutes"] == 90
    assert paused["resolution"]["due_at"] is None
    assert str(request_id) in listed(client, officer, state="paused")

    deliver(
        container,
        ServiceRequestApproved(
            request_id=request_id,
            requester_id=uuid.uuid4(),
            approved_by=uuid.uuid4(),
            occurred_at=windhoek(26, 10, 30),
        ),
    )
    running = case_at(client, officer, clock, windhoek(26, 12), "service_request", request_id)

    assert running["state"] == "running" and running["paused"] is False
    # Friday 1 h + Tuesday 08:00-08:30 + 10:30-12:00 = 3 h of the 5 business days (45 h).
    assert running["resolution"]["elapsed_minutes"] == 180
    # 42 h left: Tue 5 h, Wed 9 h, (Thu 28 May a holiday), Fri 9 h, Mon 9 h, Tue 9 h, Wed 1 h.
    assert running["resolution"]["due_at"] == z(windhoek(3, 9, month=6))
    assert [e["kind"] for e in running["events"]] == ["opened", "responded", "paused", "resumed"]

    deliver(
        container,
        ServiceRequestCompleted(
            request_id=request_id,
            requester_id=uuid.uuid4(),
            completed_by=uuid.uuid4(),
            occurred_at=windhoek(27, 9),
        ),
    )
    done = case_at(client, officer, clock, windhoek(29, 9), "service_request", request_id)
    assert done["state"] == "met" and done["resolution"]["met"] is True


def test_a_redelivered_event_adds_nothing_to_the_history(client, container, clock, officer):
    request_id = uuid.uuid4()
    deliver(container, submitted(request_id, windhoek(22, 16)))
    approved = ServiceRequestApproved(
        request_id=request_id,
        requester_id=uuid.uuid4(),
        approved_by=uuid.uuid4(),
        occurred_at=windhoek(26, 9),
    )
    deliver(container, approved)

    container.sla_feeds.on_service_request_event(approved)  # at-least-once delivery

    data = case_at(client, officer, clock, windhoek(26, 10), "service_request", request_id)
    assert [e["kind"] for e in data["events"]] == ["opened", "resumed"]


# -- incidents (P1 24x7; P3 business hours; manual pause for a third party) ---------------
def test_a_p1_incident_counts_the_weekend_breaches_and_escalates_once(
    client, container, clock, officer, settings
):
    incident_id = uuid.uuid4()
    deliver(
        container,
        IncidentOpened(
            incident_id=incident_id,
            type="security",
            priority="P1",
            source="automatic",
            occurred_at=windhoek(23, 10),
        ),
    )  # Saturday 10:00

    early = case_at(client, officer, clock, windhoek(23, 10, 10), "incident", incident_id)
    assert early["state"] == "running" and early["response"]["due_at"] == z(windhoek(23, 10, 15))
    late = case_at(client, officer, clock, windhoek(23, 11, 1), "incident", incident_id)
    assert late["state"] == "breached" and late["response"]["breached_at"] == z(windhoek(23, 10, 15))
    assert str(incident_id) in listed(client, officer, state="breached")

    tracking = container_of(client.application).sla
    first = tracking.escalate()
    again = tracking.escalate()
    container.outbox.dispatch_pending()

    assert (first.escalated, first.breaches) == (1, 1) and (again.escalated, again.breaches) == (0, 0)
    data = case_at(client, officer, clock, windhoek(23, 11, 2), "incident", incident_id)
    assert data["escalated_at"] == z(windhoek(23, 11, 1))
    assert [e["kind"] for e in data["events"]].count("escalated") == 1
    [entry] = [
        e for e in audit_entries(container, "sla.case_escalated") if e["resource_id"] == str(incident_id)
    ]
    assert entry["actor_id"] == "system"
    notices = [m for m in mails(settings, officer.email) if str(incident_id) in m.get_content()]
    assert len(notices) == 1 and "SLA escalation" in str(notices[0]["Subject"])


def test_a_p3_incident_runs_in_business_hours_and_stops_while_paused_for_a_third_party(
    client, container, clock, officer
):
    incident_id = uuid.uuid4()
    deliver(
        container,
        IncidentOpened(
            incident_id=incident_id,
            type="availability",
            priority="P3",
            source="manual",
            occurred_at=windhoek(22, 16),
        ),
    )
    # P3: response 4 business hours, resolution 3 business days (27 h).
    risky = case_at(client, officer, clock, windhoek(26, 10, 30), "incident", incident_id)
    assert risky["state"] == "at_risk" and risky["response"]["used_percent"] == 87
    assert str(incident_id) in listed(client, officer, state="at_risk", case_type="incident")

    deliver(
        container,
        IncidentStatusChanged(
            incident_id=incident_id, status="acknowledged", priority="P3", occurred_at=windhoek(26, 10, 45)
        ),
    )
    clock.current = windhoek(26, 11)
    pause = client.post(
        f"{CASES}/incident/{incident_id}/pause", json={"reason": "awaiting_third_party"}, headers=officer.auth
    )
    assert pause.status_code == 200, pause.get_json()
    clock.current = windhoek(27, 9)
    resume = client.post(f"{CASES}/incident/{incident_id}/resume", headers=officer.auth)
    assert resume.status_code == 200, resume.get_json()

    data = case_at(client, officer, clock, windhoek(27, 10), "incident", incident_id)
    assert data["response"]["met"] is True
    # Friday 1 h + Tuesday 08:00-11:00 + Wednesday 09:00-10:00; not Tuesday afternoon.
    assert data["resolution"]["elapsed_minutes"] == 300
    # 22 h left: Wed 7 h, (Thu 28 May a holiday), Fri 9 h, Mon 1 June 6 h.
    assert data["resolution"]["due_at"] == z(windhoek(1, 14, month=6))
    assert len(audit_entries(container, "sla.case_paused")) == 1
    assert len(audit_entries(container, "sla.case_resumed")) == 1


def test_a_pause_for_a_reason_the_policy_does_not_list_is_refused(client, container, clock, officer):
    incident_id = uuid.uuid4()
    deliver(
        container,
        IncidentOpened(
            incident_id=incident_id,
            type="operational",
            priority="P4",
            source="manual",
            occurred_at=windhoek(22, 16),
        ),
    )
    clock.current = windhoek(26, 9)

    refused = client.post(
        f"{CASES}/incident/{incident_id}/pause", json={"reason": "lunch"}, headers=officer.auth
    )
    not_paused = client.post(f"{CASES}/incident/{incident_id}/resume", headers=officer.auth)
    unknown = client.get(f"{CASES}/incident/{uuid.uuid4()}", headers=officer.auth)

    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "SLA_005"
    assert not_paused.status_code == 409
    assert unknown.status_code == 404 and unknown.get_json()["error"]["code"] == "SLA_003"


def test_a_priority_change_applies_the_new_priority_policy(client, container, clock, officer):
    incident_id = uuid.uuid4()
    deliver(
        container,
        IncidentOpened(
            incident_id=incident_id,
            type="security",
            priority="P4",
            source="manual",
            occurred_at=windhoek(23, 10),
        ),
        IncidentStatusChanged(
            incident_id=incident_id, status="open", priority="P1", occurred_at=windhoek(23, 10, 5)
        ),
    )

    data = case_at(client, officer, clock, windhoek(23, 10, 20), "incident", incident_id)

    assert data["priority"] == "P1" and data["policy"]["clock"] == "24x7"
    assert data["state"] == "breached"  # 15 minutes round the clock, from the opening


# -- privacy requests (PAIA: 30 calendar days, one extension; fee pause) -------------------
def test_a_privacy_request_counts_calendar_days_pauses_and_is_extended(client, container, clock, officer):
    request_id = uuid.uuid4()
    opened = windhoek(22, 16)
    deliver(container, PrivacyRequestFiled(request_id=request_id, request_type="access", occurred_at=opened))

    first = case_at(client, officer, clock, windhoek(25, 12), "privacy_request", request_id)
    assert first["policy"]["clock"] == "24x7"
    assert first["resolution"]["due_at"] == z(windhoek(21, 16, month=6))  # 30 days, holidays included
    assert first["response"]["elapsed_minutes"] == (3 * 24 - 4) * 60

    deliver(
        container,
        PrivacyRequestVerificationRecorded(request_id=request_id, passed=True, occurred_at=windhoek(25, 12)),
    )
    clock.current = windhoek(26, 8)
    pause = client.post(
        f"{CASES}/privacy_request/{request_id}/pause",
        json={"reason": "awaiting_requester_fee"},
        headers=officer.auth,
    )
    assert pause.status_code == 200, pause.get_json()
    clock.current = windhoek(28, 8)  # two days later, over Genocide Remembrance Day
    assert (
        client.post(f"{CASES}/privacy_request/{request_id}/resume", headers=officer.auth).status_code == 200
    )
    deliver(
        container,
        PrivacyRequestExtended(
            request_id=request_id, days=30, due_at=windhoek(21, 16, month=7), occurred_at=windhoek(29, 9)
        ),
    )

    data = case_at(client, officer, clock, windhoek(29, 10), "privacy_request", request_id)
    assert data["response"]["met"] is True
    # 30 days + 2 paused days + 30 days' extension.
    assert data["resolution"]["due_at"] == z(windhoek(23, 16, month=7))
    assert data["state"] == "running"

    deliver(
        container,
        PrivacyRequestClosed(
            request_id=request_id,
            subject_id=uuid.uuid4(),
            request_type="access",
            status="completed",
            occurred_at=windhoek(10, 9, month=6),
        ),
    )
    closed = case_at(client, officer, clock, windhoek(11, 9, month=6), "privacy_request", request_id)
    assert closed["state"] == "met" and closed["closed_at"] == z(windhoek(10, 9, month=6))


def test_a_request_filed_through_the_privacy_service_is_tracked(client, container, officer):
    user = signed_in(client)
    filed = client.post("/api/v1/me/privacy-requests", json={"type": "objection"}, headers=user.auth)
    assert filed.status_code == 201, filed.get_json()
    container.outbox.dispatch_pending()

    data = client.get(f"{CASES}/privacy_request/{filed.get_json()['data']['id']}", headers=officer.auth)

    assert data.status_code == 200
    body = data.get_json()["data"]
    assert body["category"] == "objection" and body["state"] == "running"
    assert body["resolution"]["target_minutes"] == 30 * 24 * 60


# -- access ---------------------------------------------------------------------------------
def test_cases_need_sla_read_and_pausing_needs_the_case_types_manage_permission(client, container, clock):
    user = signed_in(client)
    assert client.get(CASES, headers=user.auth).status_code == 403
    assert client.get("/api/v1/sla/report?period=2026-05", headers=user.auth).status_code == 403


# -- the report -----------------------------------------------------------------------------
def test_the_monthly_report_gives_met_percentages_and_is_deterministic(client, container, clock, officer):
    met, late = uuid.uuid4(), uuid.uuid4()
    deliver(
        container,
        submitted(met, windhoek(22, 16)),
        submitted(late, windhoek(18, 9)),  # due Tuesday 26 May 09:00 (Africa Day skipped)
        ServiceRequestCompleted(
            request_id=met, requester_id=uuid.uuid4(), completed_by=uuid.uuid4(), occurred_at=windhoek(26, 9)
        ),
        # Never assigned: the completion is the response too, a week late for `late`.
        ServiceRequestCompleted(
            request_id=late,
            requester_id=uuid.uuid4(),
            completed_by=uuid.uuid4(),
            occurred_at=windhoek(29, 16),
        ),
    )
    clock.current = windhoek(5, 12, month=6)

    first = client.get("/api/v1/sla/report?period=2026-05", headers=officer.auth)
    second = client.get("/api/v1/sla/report?period=2026-05", headers=officer.auth)
    bad = client.get("/api/v1/sla/report?period=2026-13", headers=officer.auth)

    assert first.status_code == 200, first.get_json()
    assert first.get_json()["data"] == second.get_json()["data"]
    groups = [g for g in first.get_json()["data"]["groups"] if g["category"] == "account_change"]
    [group] = groups
    assert group["case_type"] == "service_request" and group["priority"] == "normal"
    assert group["cases"] == 2
    assert group["response_met"] == 1 and group["response_met_percent"] == "50.0"
    assert (group["resolution_met"], group["resolution_decided"]) == (1, 2)
    assert group["resolution_met_percent"] == "50.0"
    assert first.get_json()["data"]["start"] == z(windhoek(1, 0))
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "SLA_004"


# -- the beat job ---------------------------------------------------------------------------
def test_the_escalation_job_runs_every_15_minutes_and_escalates_on_the_real_clock(app, container, settings):
    from datetime import timedelta

    from elcorp.jobs.schedule import beat_schedule
    from elcorp.shared.domain.clock import utc_now
    from support.jobs import job_task

    entry = beat_schedule(container)["compliance-sla-escalate"]
    sla_escalate = job_task(app, "elcorp.compliance.sla_escalate")
    incident_id = uuid.uuid4()
    deliver(
        container,
        IncidentOpened(
            incident_id=incident_id,
            type="security",
            priority="P1",
            source="automatic",
            occurred_at=utc_now() - timedelta(hours=2),
        ),
    )

    with app.app_context():
        first, second = sla_escalate.run(), sla_escalate.run()

    assert entry == {
        "task": "elcorp.compliance.sla_escalate",
        "schedule": 900.0,
        "options": {"expires": 600.0},
    }
    assert first == {"escalated": 1, "breaches": 1} and second == {"escalated": 0, "breaches": 0}
    assert len(audit_entries(container, "sla.goal_breached")) == 1


def test_the_regulatory_sla_report_carries_the_same_figures(app, client, container, clock):
    from elcorp.compliance.sla.application.sla_report import SlaReportSource
    from elcorp.compliance.wiring import build_reports

    admin = staff_with_mfa(client, container, "admin")
    request_id = uuid.uuid4()
    deliver(
        container,
        submitted(request_id, windhoek(22, 16)),
        ServiceRequestCompleted(
            request_id=request_id,
            requester_id=uuid.uuid4(),
            completed_by=uuid.uuid4(),
            occurred_at=windhoek(26, 9),
        ),
    )
    clock.current = windhoek(5, 12, month=6)
    served = container_of(client.application)
    reports = build_reports(served.compliance_module, sources=[SlaReportSource(served.sla)], clock=clock)
    serve(client, replacing(served, reports=reports))

    csv = client.get("/api/v1/reports/sla?period=2026-05&format=csv", headers=admin.auth)
    api = client.get("/api/v1/sla/report?period=2026-05", headers=admin.auth).get_json()["data"]

    assert csv.status_code == 200, csv.get_data(as_text=True)
    lines = csv.get_data(as_text=True).splitlines()
    assert lines[0].startswith("case_type,category,priority,cases,response_met")
    [group] = api["groups"]
    assert "service_request,account_change,normal,1,1,1,100.0,1,1,100.0,0" in lines
    assert group["resolution_met_percent"] == "100.0"

"""Review reminders of the risk register: the daily job mails the owner of each risk whose
review date has passed (the risk managers while it has no owner) through the outbox, at most
once a week per risk, and records and audits each reminder."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from celery.schedules import crontab
from sqlalchemy import text

from elcorp.compliance.risks.application.risks import RiskRegister
from elcorp.compliance.risks.infrastructure.risks import SqlIncidentDirectory, SqlRisksUnitOfWork
from elcorp.jobs.factory import celery_init_app
from elcorp.jobs.schedule import beat_schedule
from support.audit import audit_entries
from support.identity import staff_with_mfa
from support.mail import mails

RISKS = "/api/v1/risks"


@dataclass
class MovableClock:
    at: datetime

    def now(self) -> datetime:
        return self.at


@pytest.fixture
def manager(client, container):
    return staff_with_mfa(client, container, "admin")


@pytest.fixture
def owner(client, container):
    return staff_with_mfa(client, container, "staff")


def overdue_risk(client, manager, **overrides) -> dict:
    body = {
        "title": f"Chargebacks {uuid.uuid4().hex[:6]}",
        "description": "Merchants dispute settled payments.",
        "asset": "settlement batches",
        "threat": "chargebacks after settlement",
        "category": "financial",
        "likelihood": 3,
        "impact": 3,
        "review_date": "2026-01-01",
    }
    body.update(overrides)
    response = client.post(RISKS, headers=manager.auth, json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]


def register_at(container, clock: MovableClock) -> RiskRegister:
    sessions = container.session_factory
    return RiskRegister(
        lambda: SqlRisksUnitOfWork(sessions),
        container.access,
        container.users,
        SqlIncidentDirectory(sessions),
        clock=clock,
    )


def reminder_events(container) -> list[dict]:
    with container.session_factory() as session:
        return list(
            session.execute(
                text(
                    "SELECT payload FROM outbox_message WHERE event_type = 'compliance.RiskReviewDue' "
                    "ORDER BY occurred_at"
                )
            ).scalars()
        )


def test_the_daily_job_mails_the_owner_of_an_overdue_risk_once_and_records_it(
    app, client, container, settings, manager, owner
):
    remind_risk_reviews = celery_init_app(app, settings).tasks["elcorp.compliance.remind_risk_reviews"]
    risk = overdue_risk(client, manager, owner_id=owner.id)
    overdue_risk(client, manager, owner_id=owner.id, review_date=None)  # due in the future: not reminded

    with app.app_context():
        first = remind_risk_reviews.run()
        second = remind_risk_reviews.run()

    assert first == {"queued": 1} and second == {"queued": 0}
    (event,) = reminder_events(container)
    assert event["risk_id"] == risk["id"] and event["owner_id"] == owner.id
    assert event["review_date"] == "2026-01-01" and event["rating"] == "medium"
    container.outbox.dispatch_pending()
    (mail,) = [m for m in mails(settings, owner.email) if "Risk review overdue" in m["Subject"]]
    assert mail["Subject"] == f"Risk review overdue: {risk['title']}"
    assert f"/api/v1/risks/{risk['id']}" in mail.get_content() and "2026-01-01" in mail.get_content()
    with container.session_factory() as session:
        recorded = session.execute(
            text("SELECT owner_id, review_date FROM risk_review_reminder WHERE risk_id = :id"),
            {"id": risk["id"]},
        ).all()
    assert [(str(r.owner_id), r.review_date.isoformat()) for r in recorded] == [(owner.id, "2026-01-01")]
    (audited,) = [
        e for e in audit_entries(container, "risk.review_reminded") if e["resource_id"] == risk["id"]
    ]
    assert audited["actor_id"] == "system"


def test_an_overdue_review_is_reminded_again_after_a_week_and_not_after_the_review(
    client, container, manager, owner
):
    risk = overdue_risk(client, manager, owner_id=owner.id)
    clock = MovableClock(datetime.now(UTC))
    register = register_at(container, clock)

    assert register.remind_overdue_reviews() == 1
    clock.at += timedelta(days=6)
    assert register.remind_overdue_reviews() == 0  # within the week
    clock.at += timedelta(days=2)
    assert register.remind_overdue_reviews() == 1  # a week later, still not reviewed
    register.review(uuid.UUID(manager.id), uuid.UUID(risk["id"]), note="Chargeback rules reviewed")
    clock.at += timedelta(days=8)
    assert register.remind_overdue_reviews() == 0  # reviewed: next review months away
    assert [e["risk_id"] for e in reminder_events(container)] == [risk["id"], risk["id"]]


def test_an_unowned_overdue_risk_is_reminded_to_the_risk_managers(
    client, container, settings, manager, owner
):
    risk = overdue_risk(client, manager)

    assert container.risks.remind_overdue_reviews() == 1
    container.outbox.dispatch_pending()

    assert [m["Subject"] for m in mails(settings, manager.email) if "Risk review" in m["Subject"]] == [
        f"Risk review overdue: {risk['title']}"
    ]
    assert [
        m for m in mails(settings, owner.email) if "Risk review" in m["Subject"]
    ] == []  # staff: no risk:manage


def test_a_closed_risk_is_never_reminded(client, container, manager, owner):
    risk = overdue_risk(client, manager, owner_id=owner.id)
    client.patch(f"{RISKS}/{risk['id']}", headers=manager.auth, json={"status": "closed"})

    assert container.risks.remind_overdue_reviews() == 0


def test_the_reminder_job_is_on_the_beat_schedule_daily(container):
    entry = beat_schedule(container)["compliance-risk-review-reminders"]

    assert entry["task"] == "elcorp.compliance.remind_risk_reviews"
    assert entry["schedule"] == crontab(minute=30, hour=5)

"""The Celery tasks and beat entries built from the contexts' job declarations are exactly
the ones the platform has always had: same names, same retry policy, same beat keys."""

from __future__ import annotations

import uuid
from dataclasses import fields
from types import SimpleNamespace
from typing import Any
from unittest.mock import MagicMock

import pytest
from celery.schedules import crontab
from flask import Flask

from elcorp.compliance.wiring import ComplianceModule
from elcorp.container import Container
from elcorp.governance.wiring import GovernanceModule
from elcorp.identity.wiring import IdentityModule
from elcorp.jobs.factory import celery_init_app
from elcorp.jobs.schedule import beat_schedule
from elcorp.jobs.tasks import TRANSIENT
from elcorp.main import CONTAINER
from elcorp.payments.wiring import PaymentsModule

# name: (max_retries, retry_backoff, retry_backoff_max, ignore_result); None = Celery's default.
TASKS: dict[str, tuple[int | None, bool, int | None, bool]] = {
    "elcorp.outbox.dispatch": (5, True, 60, True),
    "elcorp.ping": (3, True, None, False),
    "elcorp.audit.sequence": (3, True, 30, True),
    "elcorp.audit.ensure_partitions": (5, True, None, False),
    "elcorp.audit.watch": (3, True, None, True),
    "elcorp.audit.verify": (3, True, None, False),
    "elcorp.audit.archive": (3, True, None, False),
    "elcorp.governance.remind_approvers": (3, True, None, True),
    "elcorp.governance.deliver_webhooks": (3, True, None, True),
    "elcorp.payments.expire_pending": (3, True, None, True),
    "elcorp.payments.remind_approvers": (3, True, None, True),
    "elcorp.payments.remind_unpaid_invoices": (3, True, None, True),
    "elcorp.payments.purge_idempotency_keys": (None, False, None, True),
    "elcorp.payments.check_integrity": (3, True, None, False),
    "elcorp.payments.close_settlement": (3, True, None, False),
    "elcorp.compliance.send_marketing_digest": (3, True, None, False),
    "elcorp.compliance.build_access_bundle": (5, True, None, False),
    "elcorp.compliance.build_access_bundles": (3, True, None, True),
    "elcorp.compliance.purge": (3, True, None, False),
    "elcorp.compliance.purge_access_bundles": (3, True, None, True),
    "elcorp.compliance.generate_monthly_reports": (5, True, None, False),
    "elcorp.compliance.remind_risk_reviews": (3, True, None, True),
    "elcorp.compliance.escalate_breach_notifications": (3, True, None, True),
    "elcorp.compliance.sla_escalate": (3, True, None, True),
}

REQUEST_ID = "0b7c1a52-7d43-4c1e-9a3e-8f1f6c2d9e10"
EVERY = {"minute": "*", "hour": "*", "day_of_week": "*", "day_of_month": "*"}
# beat key: (task, schedule (seconds or crontab fields), expires); audit and outbox at 2 s.
BEAT: dict[str, tuple[str, float | dict[str, str], float | None]] = {
    "audit-sequence": ("elcorp.audit.sequence", 2.0, 10.0),
    "audit-watch": ("elcorp.audit.watch", 60.0, None),
    "audit-verify": ("elcorp.audit.verify", 86400.0, None),
    "audit-archive": ("elcorp.audit.archive", 2592000.0, None),
    "audit-partitions": ("elcorp.audit.ensure_partitions", 21600.0, None),
    "service-request-approval-reminders": ("elcorp.governance.remind_approvers", 14400.0, 3600.0),
    "webhook-deliveries": ("elcorp.governance.deliver_webhooks", 30.0, 60.0),
    "payments-expire-pending": ("elcorp.payments.expire_pending", 300.0, None),
    "payments-approval-reminders": ("elcorp.payments.remind_approvers", 14400.0, None),
    "payments-idempotency-purge": ("elcorp.payments.purge_idempotency_keys", 3600.0, None),
    "payments-integrity": ("elcorp.payments.check_integrity", 86400.0, None),
    "payments-settlement-close": ("elcorp.payments.close_settlement", {"minute": "15", "hour": "22"}, None),
    "payments-invoice-reminders": (
        "elcorp.payments.remind_unpaid_invoices",
        {"minute": "0", "hour": "6"},
        None,
    ),
    "compliance-marketing-digest": (
        "elcorp.compliance.send_marketing_digest",
        {"minute": "0", "hour": "7", "day_of_week": "tue"},
        21600.0,
    ),
    "privacy-access-bundles": ("elcorp.compliance.build_access_bundles", 900.0, 600.0),
    "compliance-sla-escalate": ("elcorp.compliance.sla_escalate", 900.0, 600.0),
    "privacy-access-bundles-purge": ("elcorp.compliance.purge_access_bundles", 86400.0, None),
    "compliance-purge": ("elcorp.compliance.purge", {"minute": "30", "hour": "0"}, 21600.0),
    "compliance-monthly-reports": (
        "elcorp.compliance.generate_monthly_reports",
        {"minute": "0", "hour": "1", "day_of_month": "1"},
        43200.0,
    ),
    "compliance-risk-review-reminders": (
        "elcorp.compliance.remind_risk_reviews",
        {"minute": "30", "hour": "5"},
        21600.0,
    ),
    "compliance-breach-escalation": (
        "elcorp.compliance.escalate_breach_notifications",
        {"minute": "0", "hour": "6"},
        21600.0,
    ),
    "outbox-dispatch": ("elcorp.outbox.dispatch", 2.0, 10.0),
}


def _module(cls: type) -> Any:
    """A module whose every service is a stand-in (no job runs a real service here)."""
    return cls(**{f.name: MagicMock(name=f.name) for f in fields(cls)})


@pytest.fixture
def container() -> Container:
    settings = SimpleNamespace(
        REDIS_URL="redis://127.0.0.1:6379/0",
        LOG_LEVEL="INFO",
        LOG_JSON=False,
        AUDIT_SEQUENCER_INTERVAL_SECONDS=2.0,
        OUTBOX_DISPATCH_INTERVAL_SECONDS=2.0,
    )
    return Container(
        infra=SimpleNamespace(settings=settings),  # type: ignore[arg-type]
        identity_module=_module(IdentityModule),
        governance_module=_module(GovernanceModule),
        payments_module=_module(PaymentsModule),
        compliance_module=_module(ComplianceModule),
        readiness=MagicMock(),
        outbox=MagicMock(),
    )


@pytest.fixture
def app(container: Container) -> Flask:
    flask_app = Flask("elcorp-jobs-test")
    flask_app.extensions[CONTAINER] = container
    return flask_app


def test_the_registered_tasks_are_todays_with_their_retry_policy(app: Flask, container: Container) -> None:
    celery = celery_init_app(app, container.settings)
    registered = {name: task for name, task in celery.tasks.items() if name.startswith("elcorp.")}

    assert sorted(registered) == sorted(TASKS)
    for name, (max_retries, backoff, backoff_max, ignore_result) in TASKS.items():
        task = registered[name]
        assert tuple(task.autoretry_for) == TRANSIENT, name
        assert task.max_retries == (3 if max_retries is None else max_retries), name
        assert getattr(task, "retry_backoff", False) is backoff, name
        assert getattr(task, "retry_backoff_max", 600) == (600 if backoff_max is None else backoff_max), name
        assert bool(task.ignore_result) is ignore_result, name


def test_the_beat_schedule_has_todays_keys_tasks_times_and_expiries(container: Container) -> None:
    schedule = beat_schedule(container)

    assert sorted(schedule) == sorted(BEAT)
    for key, (task, when, expires) in BEAT.items():
        entry = schedule[key]
        expected = crontab(**{**EVERY, **when}) if isinstance(when, dict) else when
        assert entry["task"] == task and entry["schedule"] == expected, key
        assert entry.get("options") == (None if expires is None else {"expires": expires}), key


def test_a_jobs_task_runs_the_service_of_the_apps_current_container(app: Flask, container: Container) -> None:
    celery = celery_init_app(app, container.settings)
    container.compliance_module.sla.escalate.return_value = SimpleNamespace(escalated=2, breaches=1)  # type: ignore[attr-defined]
    container.compliance_module.access_bundles.build.return_value = True  # type: ignore[attr-defined]

    with app.app_context():
        escalated = celery.tasks["elcorp.compliance.sla_escalate"].run()
        built = celery.tasks["elcorp.compliance.build_access_bundle"].run(REQUEST_ID)

    assert escalated == {"escalated": 2, "breaches": 1}
    assert built == {"request_id": REQUEST_ID, "built": True}
    container.compliance_module.access_bundles.build.assert_called_once_with(uuid.UUID(REQUEST_ID))  # type: ignore[attr-defined]

"""The beat schedule: every periodic job of the platform, in one place."""

from __future__ import annotations

from typing import Any

from celery.schedules import crontab

from elcorp.config import Settings


def beat_schedule(settings: Settings) -> dict[str, dict[str, Any]]:
    """Every periodic job, grouped by the context that runs it."""
    return {
        **_audit(settings),
        **_governance(),
        **_payments(),
        **_compliance(),
        **_outbox(settings),
    }


def _audit(settings: Settings) -> dict[str, dict[str, Any]]:
    """The audit log: sequencing, its watch, verification, archive and partitions."""
    audit_interval = settings.AUDIT_SEQUENCER_INTERVAL_SECONDS
    return {
        "audit-sequence": {
            "task": "elcorp.audit.sequence",
            "schedule": audit_interval,
            "options": {"expires": max(audit_interval * 5, 5.0)},
        },
        "audit-watch": {"task": "elcorp.audit.watch", "schedule": 60.0},
        "audit-verify": {"task": "elcorp.audit.verify", "schedule": 24 * 3600.0},
        "audit-archive": {"task": "elcorp.audit.archive", "schedule": 30 * 24 * 3600.0},
        "audit-partitions": {
            "task": "elcorp.audit.ensure_partitions",
            "schedule": 6 * 3600.0,
        },
    }


def _governance() -> dict[str, dict[str, Any]]:
    """Governance: approval reminders."""
    return {
        # The client's send_approval_reminder: every 4 hours, for approvals waiting > 24 h.
        "service-request-approval-reminders": {
            "task": "elcorp.governance.remind_approvers",
            "schedule": 4 * 3600.0,
            "options": {"expires": 3600.0},
        },
    }


def _payments() -> dict[str, dict[str, Any]]:
    """Payments: approvals, idempotency keys, integrity, settlement, invoices."""
    return {
        "payments-expire-pending": {"task": "elcorp.payments.expire_pending", "schedule": 300.0},
        # The client's schedule: pending approvals reminded every 4 hours.
        "payments-approval-reminders": {"task": "elcorp.payments.remind_approvers", "schedule": 4 * 3600.0},
        "payments-idempotency-purge": {"task": "elcorp.payments.purge_idempotency_keys", "schedule": 3600.0},
        "payments-integrity": {"task": "elcorp.payments.check_integrity", "schedule": 24 * 3600.0},
        # 00:15 in Windhoek (UTC+2 all year, Namibian Time Act 2017): yesterday's batches.
        "payments-settlement-close": {
            "task": "elcorp.payments.close_settlement",
            "schedule": crontab(minute=15, hour=22),
        },
        # 08:00 in Windhoek: payers are reminded in the morning.
        "payments-invoice-reminders": {
            "task": "elcorp.payments.remind_unpaid_invoices",
            "schedule": crontab(minute=0, hour=6),
        },
    }


def _compliance() -> dict[str, dict[str, Any]]:
    """Compliance: privacy, SLAs, purge, reports, risks, breaches."""
    return {
        # Tuesdays 09:00 in Windhoek: the marketing digest, to consenting subjects only.
        "compliance-marketing-digest": {
            "task": "elcorp.compliance.send_marketing_digest",
            "schedule": crontab(minute=0, hour=7, day_of_week="tue"),
            "options": {"expires": 6 * 3600.0},
        },
        # Access bundles still pending after their outbox delivery (normally none).
        "privacy-access-bundles": {
            "task": "elcorp.compliance.build_access_bundles",
            "schedule": 900.0,
            "options": {"expires": 600.0},
        },
        # SLA escalations and breach marks (each once per case; docs/COMPLIANCE.md).
        "compliance-sla-escalate": {
            "task": "elcorp.compliance.sla_escalate",
            "schedule": 900.0,
            "options": {"expires": 600.0},
        },
        "privacy-access-bundles-purge": {
            "task": "elcorp.compliance.purge_access_bundles",
            "schedule": 24 * 3600.0,
        },
        # 02:30 in Windhoek: the retention purge (POPIA s14), after the day's settlement close.
        "compliance-purge": {
            "task": "elcorp.compliance.purge",
            "schedule": crontab(minute=30, hour=0),
            "options": {"expires": 6 * 3600.0},
        },
        # 03:00 on the 1st in Windhoek: last month's regulatory reports (CSV and PDF).
        "compliance-monthly-reports": {
            "task": "elcorp.compliance.generate_monthly_reports",
            "schedule": crontab(minute=0, hour=1, day_of_month=1),
            "options": {"expires": 12 * 3600.0},
        },
        # 07:30 in Windhoek: owners are reminded of overdue risk reviews in the morning.
        "compliance-risk-review-reminders": {
            "task": "elcorp.compliance.remind_risk_reviews",
            "schedule": crontab(minute=30, hour=5),
            "options": {"expires": 6 * 3600.0},
        },
        # 08:00 in Windhoek: breaches still missing a POPIA s22 notification are escalated.
        "compliance-breach-escalation": {
            "task": "elcorp.compliance.escalate_breach_notifications",
            "schedule": crontab(minute=0, hour=6),
            "options": {"expires": 6 * 3600.0},
        },
    }


def _outbox(settings: Settings) -> dict[str, dict[str, Any]]:
    """The outbox dispatch."""
    interval = settings.OUTBOX_DISPATCH_INTERVAL_SECONDS
    return {
        "outbox-dispatch": {
            "task": "elcorp.outbox.dispatch",
            "schedule": interval,
            # A run that waited longer than one interval is superseded by the next one.
            "options": {"expires": max(interval * 5, 5.0)},
        },
    }

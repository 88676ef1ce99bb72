"""Incidents' background jobs: escalating breach notifications still due (POPIA s22)."""

from __future__ import annotations

from collections.abc import Callable

import structlog

from elcorp.compliance.incidents.application.breach import BreachNotifications
from elcorp.shared.application.jobs import Beat, Cron, Job

logger = structlog.get_logger("elcorp.jobs")


def jobs(breaches: BreachNotifications) -> list[Job]:
    # 08:00 in Windhoek (UTC+2): breaches still missing a notification are escalated.
    return [
        Job(
            "elcorp.compliance.escalate_breach_notifications",
            _escalate(breaches),
            retry_backoff=True,
            max_retries=3,
            ignore_result=True,
            beat=Beat("compliance-breach-escalation", Cron(minute="0", hour="6"), expires=6 * 3600.0),
        )
    ]


def _escalate(breaches: BreachNotifications) -> Callable[[], dict[str, int]]:
    def run() -> dict[str, int]:
        """Daily: every POPIA s22 record still missing the Regulator's or the subjects'
        notification gets a timeline note and an audit entry, and the holders of
        incident:manage are mailed (through the outbox), until both are recorded."""
        escalated = breaches.escalate_due()
        if escalated:
            logger.warning("incident.breach_notifications_escalated", escalated=escalated)
        return {"escalated": escalated}

    return run

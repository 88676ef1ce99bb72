"""The risk register's background jobs: overdue review reminders."""

from __future__ import annotations

from collections.abc import Callable

import structlog

from elcorp.compliance.risks.application.risks import RiskRegister
from elcorp.shared.application.jobs import Beat, Cron, Job

logger = structlog.get_logger("elcorp.jobs")


def jobs(register: RiskRegister) -> list[Job]:
    # 07:30 in Windhoek (UTC+2): owners are reminded of overdue risk reviews in the morning.
    return [
        Job(
            "elcorp.compliance.remind_risk_reviews",
            _remind_reviews(register),
            retry_backoff=True,
            max_retries=3,
            ignore_result=True,
            beat=Beat("compliance-risk-review-reminders", Cron(minute="30", hour="5"), expires=6 * 3600.0),
        )
    ]


def _remind_reviews(register: RiskRegister) -> Callable[[], dict[str, int]]:
    def run() -> dict[str, int]:
        """Daily: remind the owner of each risk whose review date has passed (the risk managers
        while it has no owner), at most once a week per risk; mail through the outbox, each
        reminder recorded (risk_review_reminder) and audited (POPIA s19(2)(d))."""
        queued = register.remind_overdue_reviews()
        if queued:
            logger.info("risk.review_reminders_queued", queued=queued)
        return {"queued": queued}

    return run

"""SLA tracking's background jobs: escalations and breach marks."""

from __future__ import annotations

from collections.abc import Callable

import structlog

from elcorp.compliance.sla.application.sla import SlaTracking
from elcorp.shared.application.jobs import Beat, Job

logger = structlog.get_logger("elcorp.jobs")


def jobs(tracking: SlaTracking) -> list[Job]:
    # Each case is escalated and each missed goal recorded once (docs/COMPLIANCE.md).
    return [
        Job(
            "elcorp.compliance.sla_escalate",
            _escalate(tracking),
            retry_backoff=True,
            max_retries=3,
            ignore_result=True,
            beat=Beat("compliance-sla-escalate", 900.0, expires=600.0),
        )
    ]


def _escalate(tracking: SlaTracking) -> Callable[[], dict[str, int]]:
    def run() -> dict[str, int]:
        """Every 15 minutes: escalate (once) each tracked case whose escalation time passed
        unresolved, mailing the holders of its manage permission through the outbox, and
        record each missed SLA goal once (audited)."""
        done = tracking.escalate()
        if done.escalated or done.breaches:
            logger.info("sla.escalation_run", escalated=done.escalated, breaches=done.breaches)
        return {"escalated": done.escalated, "breaches": done.breaches}

    return run

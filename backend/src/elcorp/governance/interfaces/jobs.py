"""Governance's background jobs: the approval reminders."""

from __future__ import annotations

from collections.abc import Callable

import structlog

from elcorp.governance.application.service_requests import ServiceRequests
from elcorp.shared.application.jobs import Beat, Job

logger = structlog.get_logger("elcorp.jobs")


def jobs(service_requests: ServiceRequests) -> list[Job]:
    # The client's send_approval_reminder: every 4 hours, for approvals waiting > 24 h.
    return [
        Job(
            "elcorp.governance.remind_approvers",
            _remind_approvers(service_requests),
            retry_backoff=True,
            max_retries=3,
            ignore_result=True,
            beat=Beat("service-request-approval-reminders", 4 * 3600.0, expires=3600.0),
        )
    ]


def _remind_approvers(service_requests: ServiceRequests) -> Callable[[], dict[str, int]]:
    def run() -> dict[str, int]:
        """Queue reminders to the approvers of requests waiting more than 24 hours (at most one
        per approver and request every 4 hours; the emails go out through the outbox)."""
        queued = service_requests.remind_pending_approvers()
        if queued:
            logger.info("service_request.reminders_queued", queued=queued)
        return {"queued": queued}

    return run

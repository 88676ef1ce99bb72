"""Governance's background jobs: the approval reminders and the webhook deliveries."""

from __future__ import annotations

from collections.abc import Callable

import structlog

from elcorp.governance.application.service_requests import ServiceRequests
from elcorp.governance.application.webhooks import Webhooks
from elcorp.shared.application.jobs import Beat, Job

logger = structlog.get_logger("elcorp.jobs")


# Due webhook deliveries are sent every 30 s: the first attempt follows an event within about
# that much, and retries keep their own schedule (1 min, 5 min, ...) in each delivery's row.
WEBHOOK_DELIVERY_INTERVAL = 30.0


def jobs(service_requests: ServiceRequests, webhooks: Webhooks) -> list[Job]:
    # The client's send_approval_reminder: every 4 hours, for approvals waiting > 24 h.
    return [
        Job(
            "elcorp.governance.remind_approvers",
            _remind_approvers(service_requests),
            retry_backoff=True,
            max_retries=3,
            ignore_result=True,
            beat=Beat("service-request-approval-reminders", 4 * 3600.0, expires=3600.0),
        ),
        Job(
            "elcorp.governance.deliver_webhooks",
            _deliver_webhooks(webhooks),
            retry_backoff=True,
            max_retries=3,
            ignore_result=True,
            beat=Beat("webhook-deliveries", WEBHOOK_DELIVERY_INTERVAL, expires=2 * WEBHOOK_DELIVERY_INTERVAL),
        ),
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


def _deliver_webhooks(webhooks: Webhooks) -> Callable[[], dict[str, int]]:
    def run() -> dict[str, int]:
        """Send the webhook deliveries that are due (signed POSTs; failures rescheduled with
        backoff, parked as failed after the last attempt), then trim the delivery log."""
        counts = {**webhooks.deliver_due(), "purged": webhooks.purge_log()}
        if any(counts.values()):
            logger.info("webhooks.delivered", **counts)
        return counts

    return run

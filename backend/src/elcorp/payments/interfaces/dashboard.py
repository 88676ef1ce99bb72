"""HTTP routes of the ledger figures on the staff dashboard's home page (mounted under /api/v1).

`/transactions/daily` and `/transactions/approval-queue` do not clash with
`/transactions/<uuid:transaction_id>`: that rule only matches a UUID.
"""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_openapi3 import APIBlueprint, Tag

from elcorp.payments.application.dashboard import ApprovalQueue, DailyTransfers, PaymentsDashboard
from elcorp.payments.domain.ledger import money_text
from elcorp.payments.interfaces import dashboard_schemas as s
from elcorp.shared.domain.clock import WINDHOEK, isoformat_z
from elcorp.shared.domain.errors import AccessDenied
from elcorp.shared.interfaces import envelope
from elcorp.shared.interfaces.api import API_V1, BEARER
from elcorp.shared.interfaces.auth import authenticated, current_caller, require_permission
from elcorp.shared.interfaces.openapi import ok

DAILY_EXAMPLE = {
    "time_zone": "Africa/Windhoek",
    "first": "2026-12-07",
    "last": "2026-12-08",
    "days": [
        {"date": "2026-12-07", "count": 0, "totals": []},
        {
            "date": "2026-12-08",
            "count": 12,
            "totals": [{"currency": "NAD", "count": 12, "value": "4500.00"}],
        },
    ],
}


def daily_json(found: DailyTransfers) -> dict[str, Any]:
    return {
        "time_zone": WINDHOEK.key,
        "first": found.first.isoformat(),
        "last": found.last.isoformat(),
        "days": [
            {
                "date": day.day.isoformat(),
                "count": day.count,
                "totals": [
                    {"currency": t.currency, "count": t.count, "value": money_text(t.value, t.currency)}
                    for t in day.totals
                ],
            }
            for day in found.days
        ],
    }


def queue_json(queue: ApprovalQueue) -> dict[str, Any]:
    oldest = queue.oldest_created_at
    return {
        "pending": queue.pending,
        "under_1h": queue.under_1h,
        "from_1h_to_4h": queue.from_1h_to_4h,
        "from_4h_to_24h": queue.from_4h_to_24h,
        "over_24h": queue.over_24h,
        "oldest_created_at": None if oldest is None else isoformat_z(oldest),
    }


def blueprint(dashboard: PaymentsDashboard) -> APIBlueprint:
    """The routes, closing over the service they call (built by the context's wiring)."""
    api = APIBlueprint(
        "payments_dashboard",
        __name__,
        url_prefix=API_V1,
        abp_tags=[Tag(name="payments-dashboard", description="the ledger's figures on the staff dashboard")],
    )

    @api.get(
        "/transactions/daily",
        security=BEARER,
        responses=ok(s.DailyTransfers, AccessDenied, example=DAILY_EXAMPLE),
    )
    @authenticated
    def get_daily_transfers(query: s.DailyTransfersQuery) -> Response:
        """Completed transfers per day over the last `days` days (default 14, at most 90).

        Staff who see every transaction (payment:approve, or payment:create with scope all);
        others 403. Days are Africa/Windhoek calendar days, today included, oldest first, every
        day listed. What counts: transactions of type `transfer` whose status is now
        `completed`, on the Windhoek day of their `created_at` (a transfer made at 22:30 UTC
        counts on the next Windhoek day); reversed, rejected, expired and failed transfers,
        deposits, withdrawals and reversals do not. Per day: the count, and per currency the
        count and `value`, the sum of the amounts (fees excluded) as a decimal string.
        """
        return envelope.success(daily_json(dashboard.daily_transfers(current_caller().user_id, query.days)))

    @api.get("/transactions/approval-queue", security=BEARER, responses=ok(s.ApprovalQueueSummary))
    @require_permission("payment:approve")
    def get_approval_queue() -> Response:
        """How many movements wait for a second person's approval, and for how long.

        Staff with payment:approve. Counts every movement in `pending_approval` (transfers,
        deposits, withdrawals, reversals, top-ups) by the time since its `created_at`: under
        1 hour, 1-4 hours, 4-24 hours, 24 hours or more; and the oldest one's `created_at`
        (null when none waits).
        """
        return envelope.success(queue_json(dashboard.approval_queue(current_caller().user_id)))

    return api

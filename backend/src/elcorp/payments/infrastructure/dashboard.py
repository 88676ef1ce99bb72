"""PostgreSQL side of the dashboard's ledger figures (read-only aggregates on payment_transaction).

Both queries are bounded and indexed: the daily figures scan a `created_at` range (at most 90
days) through `ix_payment_transaction_created_at`; the approval queue reads the rows of the
partial index `ix_payment_transaction_pending` (status = 'pending_approval').
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Date, cast, func, select
from sqlalchemy.orm import Session

from elcorp.payments.application.dashboard import ApprovalQueue
from elcorp.payments.infrastructure.tables import payment_transaction as tx
from elcorp.shared.domain.clock import WINDHOEK

PENDING = "pending_approval"


class SqlDashboardFigures:
    """Implements payments.application.dashboard.DashboardFigures."""

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._sessions = session_factory

    def completed_transfers(self, start: datetime, end: datetime) -> list[tuple[date, str, int, Decimal]]:
        day = cast(func.timezone(WINDHOEK.key, tx.c.created_at), Date).label("day")
        query = (
            select(
                day,
                tx.c.currency,
                func.count().label("n"),
                func.coalesce(func.sum(tx.c.amount), 0).label("value"),
            )
            .where(
                tx.c.created_at >= start,
                tx.c.created_at < end,
                tx.c.type == "transfer",
                tx.c.status == "completed",
            )
            .group_by(day, tx.c.currency)
            .order_by(day, tx.c.currency)
        )
        with self._sessions() as session:
            rows = session.execute(query).all()
        return [(r.day, r.currency, r.n, Decimal(r.value)) for r in rows]

    def approval_queue(self, now: datetime) -> ApprovalQueue:
        age = now - tx.c.created_at
        hour = timedelta(hours=1)
        query = select(
            func.count().label("pending"),
            func.count().filter(age < hour).label("under_1h"),
            func.count().filter(age >= hour, age < 4 * hour).label("h1_4"),
            func.count().filter(age >= 4 * hour, age < 24 * hour).label("h4_24"),
            func.count().filter(age >= 24 * hour).label("over_24h"),
            func.min(tx.c.created_at).label("oldest"),
        ).where(tx.c.status == PENDING)
        with self._sessions() as session:
            r = session.execute(query).one()
        return ApprovalQueue(
            pending=r.pending,
            under_1h=r.under_1h,
            from_1h_to_4h=r.h1_4,
            from_4h_to_24h=r.h4_24,
            over_24h=r.over_24h,
            oldest_created_at=r.oldest,
        )

"""PostgreSQL side of the ledger's report figures (read-only queries on payment_transaction)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, func, not_, or_, select
from sqlalchemy.orm import Session

from elcorp.payments.application.reporting import LargeTransaction, TransactionTotals
from elcorp.payments.infrastructure.tables import payment_transaction as tx


class SqlLedgerReports:
    """Implements payments.application.reporting.LedgerReports."""

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._sessions = session_factory

    def totals(self, start: datetime, end: datetime) -> list[TransactionTotals]:
        query = (
            select(
                tx.c.currency,
                tx.c.type,
                tx.c.status,
                func.count().label("n"),
                func.coalesce(func.sum(tx.c.amount), 0).label("amount"),
                func.coalesce(func.sum(tx.c.fee), 0).label("fees"),
            )
            .where(tx.c.created_at >= start, tx.c.created_at < end)
            .group_by(tx.c.currency, tx.c.type, tx.c.status)
            .order_by(tx.c.currency, tx.c.type, tx.c.status)
        )
        with self._sessions() as session:
            rows = session.execute(query).all()
        return [
            TransactionTotals(r.currency, r.type, r.status, r.n, Decimal(r.amount), Decimal(r.fees))
            for r in rows
        ]

    def large(
        self, start: datetime, end: datetime, thresholds: Mapping[str, Decimal]
    ) -> list[LargeTransaction]:
        over = [and_(tx.c.currency == cur, tx.c.amount >= limit) for cur, limit in sorted(thresholds.items())]
        # A currency without a threshold: every completed transaction in it is listed.
        unknown = not_(tx.c.currency.in_(sorted(thresholds))) if thresholds else tx.c.currency.isnot(None)
        query = (
            select(tx)
            .where(
                tx.c.completed_at.isnot(None),
                tx.c.completed_at >= start,
                tx.c.completed_at < end,
                or_(unknown, *over),
            )
            .order_by(tx.c.completed_at, tx.c.id)
        )
        with self._sessions() as session:
            rows = session.execute(query).all()
        return [
            LargeTransaction(
                id=r.id,
                type=r.type,
                status=r.status,
                currency=r.currency,
                amount=r.amount,
                fee=r.fee,
                source_wallet_id=r.source_account_id,
                destination_wallet_id=r.destination_account_id,
                completed_at=r.completed_at,
            )
            for r in rows
        ]

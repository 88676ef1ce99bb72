"""PostgreSQL adapter of the settlement batches (migration 0018: one batch per day and
currency, a transaction in at most one batch, closed batches frozen by a trigger)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Self

from sqlalchemy import (
    CHAR,
    Column,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Row,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from elcorp.payments.application.settlement import SettlementBatch, SettlementFilter
from elcorp.payments.domain.settlement import (
    SETTLED_STATUSES,
    SETTLED_TYPES,
    BatchStatus,
    SettlementItem,
    SettlementTotals,
)
from elcorp.payments.infrastructure.tables import MONEY, TRANSACTION_REFERENCE, account
from elcorp.shared.domain.clock import WINDHOEK
from elcorp.shared.infrastructure.db import metadata
from elcorp.shared.infrastructure.personal_data import declare
from elcorp.shared.infrastructure.unit_of_work import SqlAlchemyUnitOfWork

settlement_batch = Table(
    "settlement_batch",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("business_date", Date, nullable=False),
    Column("currency", CHAR(3), nullable=False),
    Column("status", Text, nullable=False, server_default=text("'open'")),
    Column("deposits_count", Integer, nullable=False, server_default=text("0")),
    Column("deposits_total", MONEY, nullable=False, server_default=text("0")),
    Column("withdrawals_count", Integer, nullable=False, server_default=text("0")),
    Column("withdrawals_total", MONEY, nullable=False, server_default=text("0")),
    Column("net", MONEY, nullable=False, server_default=text("0")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("closed_at", DateTime(timezone=True)),
    Column("closed_by", Uuid, ForeignKey("user_account.id"), comment="Who closed it; NULL: the nightly job."),
    Index("ix_settlement_batch_listing", text("business_date DESC"), "currency"),
    UniqueConstraint("business_date", "currency", name="uq_settlement_batch_business_date"),
    UniqueConstraint("id", "currency", name="uq_settlement_batch_id_currency"),
    comment="Payments: the deposits and withdrawals of one business day (Africa/Windhoek) and currency.",
)

settlement_item = Table(
    "settlement_item",
    metadata,
    Column("batch_id", Uuid, primary_key=True),
    Column("transaction_id", Uuid, ForeignKey("payment_transaction.id"), primary_key=True),
    Column("type", Text, nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("currency", CHAR(3), nullable=False),
    Column("completed_at", DateTime(timezone=True), nullable=False),
    Column("reference", Text),
    UniqueConstraint("transaction_id", name="uq_settlement_item_transaction_id"),
    ForeignKeyConstraint(
        ["batch_id", "currency"],
        ["settlement_batch.id", "settlement_batch.currency"],
        name="fk_settlement_item_batch_id_settlement_batch",
    ),
    comment="Payments: a transaction settled in a batch (at most one).",
)
# The transaction's bank reference, copied into the batch: a transaction record (FIA 2012).
declare("payments", settlement_item, "reference", TRANSACTION_REFERENCE)

# The day's movements in no batch yet, into this one, in one statement. ON CONFLICT: a
# transaction another batch took meanwhile stays there (the unique transaction id).
GATHER = text(
    """
    INSERT INTO settlement_item (batch_id, transaction_id, type, amount, currency, completed_at, reference)
    SELECT :batch, t.id, t.type, t.amount, t.currency, t.completed_at, t.external_reference
    FROM payment_transaction t
    WHERE t.type = ANY(:types) AND t.status = ANY(:statuses) AND t.currency = :currency
      AND t.completed_at >= :start AND t.completed_at < :end
      AND NOT EXISTS (SELECT 1 FROM settlement_item s WHERE s.transaction_id = t.id)
    ORDER BY t.completed_at, t.id
    ON CONFLICT (transaction_id) DO NOTHING
    RETURNING transaction_id, type, amount, currency, completed_at, reference
    """
)

UNSETTLED_DAYS = text(
    """
    SELECT DISTINCT (t.completed_at AT TIME ZONE :zone)::date AS day
    FROM payment_transaction t
    WHERE t.type = ANY(:types) AND t.status = ANY(:statuses) AND t.currency = :currency
      AND t.completed_at >= :start AND t.completed_at < :end
      AND NOT EXISTS (SELECT 1 FROM settlement_item s WHERE s.transaction_id = t.id)
    ORDER BY day
    """
)


def _batch(row: Row[Any]) -> SettlementBatch:
    return SettlementBatch(
        id=row.id,
        business_date=row.business_date,
        currency=row.currency,
        status=row.status,
        totals=SettlementTotals(
            row.deposits_count,
            Decimal(row.deposits_total),
            row.withdrawals_count,
            Decimal(row.withdrawals_total),
        ),
        created_at=row.created_at,
        closed_at=row.closed_at,
        closed_by=row.closed_by,
    )


def _item(row: Row[Any]) -> SettlementItem:
    return SettlementItem(
        row.transaction_id, row.type, Decimal(row.amount), row.currency, row.completed_at, row.reference
    )


class SqlSettlementBatches:
    def __init__(self, session: Session) -> None:
        self._session = session

    def currencies(self) -> list[str]:
        return list(
            self._session.execute(
                select(account.c.currency).where(account.c.kind == "clearing").order_by(account.c.currency)
            ).scalars()
        )

    def open(self, day: date, currency: str) -> SettlementBatch:
        b = settlement_batch.c
        # A concurrent close of the same day waits here on the unique key, then does nothing.
        self._session.execute(
            pg_insert(settlement_batch)
            .values(
                id=uuid.uuid4(),
                business_date=day,
                currency=currency,
                status=BatchStatus.OPEN.value,
                deposits_count=0,
                deposits_total=0,
                withdrawals_count=0,
                withdrawals_total=0,
                net=0,
                created_at=func.now(),
            )
            .on_conflict_do_nothing(index_elements=["business_date", "currency"])
        )
        row = self._session.execute(
            select(settlement_batch).where(b.business_date == day, b.currency == currency).with_for_update()
        ).one()
        return _batch(row)

    def gather(
        self, batch_id: uuid.UUID, currency: str, start: datetime, end: datetime
    ) -> list[SettlementItem]:
        rows = self._session.execute(
            GATHER,
            {
                "batch": batch_id,
                "types": list(SETTLED_TYPES),
                "statuses": list(SETTLED_STATUSES),
                "currency": currency,
                "start": start,
                "end": end,
            },
        ).all()
        return [_item(r) for r in rows]

    def close(
        self, batch_id: uuid.UUID, totals: SettlementTotals, closed_by: uuid.UUID | None
    ) -> SettlementBatch:
        row = self._session.execute(
            update(settlement_batch)
            .where(settlement_batch.c.id == batch_id, settlement_batch.c.status == BatchStatus.OPEN.value)
            .values(
                status=BatchStatus.CLOSED.value,
                deposits_count=totals.deposits_count,
                deposits_total=totals.deposits_total,
                withdrawals_count=totals.withdrawals_count,
                withdrawals_total=totals.withdrawals_total,
                net=totals.net,
                closed_at=func.now(),
                closed_by=closed_by,
            )
            .returning(settlement_batch)
        ).one()
        return _batch(row)

    def unsettled_days(self, currency: str, start: datetime, end: datetime) -> list[date]:
        return list(
            self._session.execute(
                UNSETTLED_DAYS,
                {
                    "zone": WINDHOEK.key,
                    "types": list(SETTLED_TYPES),
                    "statuses": list(SETTLED_STATUSES),
                    "currency": currency,
                    "start": start,
                    "end": end,
                },
            ).scalars()
        )

    def get(self, batch_id: uuid.UUID) -> SettlementBatch | None:
        row = self._session.execute(select(settlement_batch).where(settlement_batch.c.id == batch_id)).first()
        return None if row is None else _batch(row)

    def items(self, batch_id: uuid.UUID) -> list[SettlementItem]:
        i = settlement_item.c
        rows = self._session.execute(
            select(settlement_item).where(i.batch_id == batch_id).order_by(i.completed_at, i.transaction_id)
        ).all()
        return [_item(r) for r in rows]

    def list(self, where: SettlementFilter, *, offset: int, limit: int) -> tuple[list[SettlementBatch], int]:
        b = settlement_batch.c
        conditions: list[Any] = []
        if where.currency is not None:
            conditions.append(b.currency == where.currency)
        if where.status is not None:
            conditions.append(b.status == where.status)
        if where.date_from is not None:
            conditions.append(b.business_date >= where.date_from)
        if where.date_to is not None:
            conditions.append(b.business_date <= where.date_to)
        total = self._session.execute(
            select(func.count()).select_from(settlement_batch).where(*conditions)
        ).scalar_one()
        rows = self._session.execute(
            select(settlement_batch)
            .where(*conditions)
            .order_by(b.business_date.desc(), b.currency, b.id)
            .offset(offset)
            .limit(limit)
        ).all()
        return [_batch(r) for r in rows], int(total)


class SqlSettlementUnitOfWork(SqlAlchemyUnitOfWork):
    batches: SqlSettlementBatches

    def __enter__(self) -> Self:
        super().__enter__()
        self.batches = SqlSettlementBatches(self.session)
        return self

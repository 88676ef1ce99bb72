"""PostgreSQL adapter of the reconciliation runs (migration 0018 makes their rows
append-only) and of the ledger side of a statement."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any, Self

from sqlalchemy import (
    CHAR,
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Row,
    Table,
    Text,
    Uuid,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.orm import Session

from elcorp.payments.application.reconciliation import ReconciliationRun
from elcorp.payments.domain.reconciliation import LedgerMovement, Reconciliation, StatementLine
from elcorp.payments.domain.settlement import SETTLED_STATUSES, SETTLED_TYPES, business_date
from elcorp.payments.infrastructure.ledger import SqlLedger
from elcorp.payments.infrastructure.tables import MONEY, TRANSACTION_REFERENCE, payment_transaction
from elcorp.shared.infrastructure.db import metadata
from elcorp.shared.infrastructure.personal_data import declare
from elcorp.shared.infrastructure.unit_of_work import SqlAlchemyUnitOfWork

MATCHED, IN_BANK, IN_LEDGER = "matched", "unmatched_in_bank", "unmatched_in_ledger"

reconciliation_run = Table(
    "reconciliation_run",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("status", Text, nullable=False),
    Column("statement_from", Date, nullable=False),
    Column("statement_to", Date, nullable=False),
    Column("file_name", Text),
    Column("file_sha256", CHAR(64), nullable=False),
    Column("statement_lines", Integer, nullable=False),
    Column("matched_count", Integer, nullable=False),
    Column("unmatched_in_bank_count", Integer, nullable=False),
    Column("unmatched_in_ledger_count", Integer, nullable=False),
    Column("created_by", Uuid, ForeignKey("user_account.id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_reconciliation_run_created_at", text("created_at DESC"), text("id DESC")),
    comment="Payments: one bank statement reconciled against the ledger (append-only).",
)

reconciliation_item = Table(
    "reconciliation_item",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("run_id", Uuid, ForeignKey("reconciliation_run.id"), nullable=False),
    Column("outcome", Text, nullable=False),
    Column("statement_line", Integer),
    Column("statement_date", Date),
    Column("reference", Text),
    Column("amount", MONEY, nullable=False),
    Column("currency", CHAR(3), nullable=False),
    Column("transaction_id", Uuid, ForeignKey("payment_transaction.id")),
    Column("transaction_type", Text),
    Column("ledger_date", Date),
    Index("ix_reconciliation_item_run_id", "run_id", "id"),
)
# A bank statement's reference may name the payer: a transaction record (FIA 2012).
declare("payments", reconciliation_item, "reference", TRANSACTION_REFERENCE)


def _run(row: Row[Any], result: Reconciliation | None) -> ReconciliationRun:
    return ReconciliationRun(
        id=row.id,
        status=row.status,
        statement_from=row.statement_from,
        statement_to=row.statement_to,
        file_name=row.file_name,
        file_sha256=row.file_sha256,
        statement_lines=row.statement_lines,
        matched_count=row.matched_count,
        unmatched_in_bank_count=row.unmatched_in_bank_count,
        unmatched_in_ledger_count=row.unmatched_in_ledger_count,
        created_by=row.created_by,
        created_at=row.created_at,
        result=result,
    )


def movement_type(movement: LedgerMovement) -> str:
    """Deposits come in (+), withdrawals go out (-), as the bank sees them."""
    return "deposit" if movement.amount > 0 else "withdrawal"


def _line(item: Row[Any]) -> StatementLine:
    return StatementLine(item.statement_line, item.statement_date, item.reference, item.amount, item.currency)


def _movement(item: Row[Any]) -> LedgerMovement:
    return LedgerMovement(item.transaction_id, item.reference, item.amount, item.currency, item.ledger_date)


class SqlReconciliationRuns:
    def __init__(self, session: Session) -> None:
        self._session = session

    def ledger_movements(self, start: datetime, end: datetime) -> list[LedgerMovement]:
        t = payment_transaction.c
        rows = self._session.execute(
            select(t.id, t.type, t.amount, t.currency, t.external_reference, t.completed_at)
            .where(
                t.type.in_(SETTLED_TYPES),
                t.status.in_(SETTLED_STATUSES),
                t.completed_at >= start,
                t.completed_at < end,
            )
            .order_by(t.completed_at, t.id)
        ).all()
        return [
            LedgerMovement(
                transaction_id=r.id,
                reference=r.external_reference or "",
                amount=Decimal(r.amount) if r.type == "deposit" else -Decimal(r.amount),
                currency=r.currency,
                on=business_date(r.completed_at),
            )
            for r in rows
        ]

    def add(self, run: ReconciliationRun) -> None:
        self._session.execute(
            insert(reconciliation_run).values(
                id=run.id,
                status=run.status,
                statement_from=run.statement_from,
                statement_to=run.statement_to,
                file_name=run.file_name,
                file_sha256=run.file_sha256,
                statement_lines=run.statement_lines,
                matched_count=run.matched_count,
                unmatched_in_bank_count=run.unmatched_in_bank_count,
                unmatched_in_ledger_count=run.unmatched_in_ledger_count,
                created_by=run.created_by,
                created_at=run.created_at,
            )
        )
        result = run.result
        if result is None:
            return
        items: list[dict[str, Any]] = []
        for line, movement in result.matched:
            items.append({**self._line_values(run.id, MATCHED, line), **self._movement_values(movement)})
        for line in result.unmatched_in_bank:
            items.append(self._line_values(run.id, IN_BANK, line))
        for movement in result.unmatched_in_ledger:
            items.append(
                {
                    "run_id": run.id,
                    "outcome": IN_LEDGER,
                    "reference": movement.reference,
                    "amount": movement.amount,
                    "currency": movement.currency,
                    **self._movement_values(movement),
                }
            )
        if items:
            blank = dict.fromkeys(
                ("statement_line", "statement_date", "transaction_id", "transaction_type", "ledger_date")
            )
            self._session.execute(insert(reconciliation_item), [{**blank, **item} for item in items])

    @staticmethod
    def _line_values(run_id: uuid.UUID, outcome: str, line: StatementLine) -> dict[str, Any]:
        return {
            "run_id": run_id,
            "outcome": outcome,
            "statement_line": line.line,
            "statement_date": line.on,
            "reference": line.reference,
            "amount": line.amount,
            "currency": line.currency,
        }

    @staticmethod
    def _movement_values(movement: LedgerMovement) -> dict[str, Any]:
        return {
            "transaction_id": movement.transaction_id,
            "transaction_type": movement_type(movement),
            "ledger_date": movement.on,
        }

    def get(self, run_id: uuid.UUID) -> ReconciliationRun | None:
        row = self._session.execute(
            select(reconciliation_run).where(reconciliation_run.c.id == run_id)
        ).first()
        if row is None:
            return None
        matched: list[tuple[StatementLine, LedgerMovement]] = []
        in_bank: list[StatementLine] = []
        in_ledger: list[LedgerMovement] = []
        for item in self._session.execute(
            select(reconciliation_item)
            .where(reconciliation_item.c.run_id == run_id)
            .order_by(reconciliation_item.c.id)
        ).all():
            if item.outcome == MATCHED:
                matched.append((_line(item), _movement(item)))
            elif item.outcome == IN_BANK:
                in_bank.append(_line(item))
            else:
                in_ledger.append(_movement(item))
        return _run(row, Reconciliation(matched, in_bank, in_ledger))

    def list(self, *, offset: int, limit: int) -> tuple[list[ReconciliationRun], int]:
        r = reconciliation_run.c
        total = self._session.execute(select(func.count()).select_from(reconciliation_run)).scalar_one()
        rows = self._session.execute(
            select(reconciliation_run).order_by(r.created_at.desc(), r.id.desc()).offset(offset).limit(limit)
        ).all()
        return [_run(row, None) for row in rows], int(total)


class SqlReconciliationUnitOfWork(SqlAlchemyUnitOfWork):
    runs: SqlReconciliationRuns
    ledger: SqlLedger

    def __enter__(self) -> Self:
        super().__enter__()
        self.runs = SqlReconciliationRuns(self.session)
        self.ledger = SqlLedger(self.session)
        return self

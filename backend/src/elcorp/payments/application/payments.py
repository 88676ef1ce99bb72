"""Payments: one entry point over the use cases of wallets and money movements.

The use cases live in their own modules (`transfers`, `deposits_withdrawals`, `reversals`,
`approvals`, `queries`, `integrity`); this facade keeps the constructor and the method
names the wiring, the HTTP layer, the jobs and the invoices use case call, and only
delegates.

Segregation of duties: staff book deposits and withdrawals, and reverse, only on wallets
that are not their own; every such movement above the approval threshold, or beyond what
one person may move alone in a business day (`StaffDailyLimits`), waits for a colleague's
approval through the same maker-checker as large transfers. Transfers only ever reach
wallets (an invoice payment also the platform's revenue account), never the clearing or
fees accounts. The rules are modelled in `payments/domain/` (wallet, transfer, reversal,
movement); the store (payments_execute) enforces all of them again under its locks.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from elcorp.governance.application.api import AccessControl
from elcorp.identity.application.api import UserRegistered
from elcorp.payments.application.approvals import Approvals
from elcorp.payments.application.deposits_withdrawals import Bookings
from elcorp.payments.application.integrity import Integrity, LedgerIntegrity
from elcorp.payments.application.ledger_common import PaymentSettings, PaymentsUnitOfWork
from elcorp.payments.application.movement_requests import (
    IdempotencyKeyRequired,
    MovementPlanner,
    MovementResult,
    checked_key,
    request_hash,
    result_of,
)
from elcorp.payments.application.ports import (
    Account,
    ChainReport,
    MovementAudit,
    MovementOutcome,
    MovementRequest,
    Movements,
    Statement,
    StatementDocuments,
    Transaction,
    TransactionFilter,
    TransactionView,
    TrialBalance,
)
from elcorp.payments.application.queries import WalletsAndHistory
from elcorp.payments.application.reversals import Reversals
from elcorp.payments.application.top_ups import TopUps, TopUpSettings
from elcorp.payments.application.transfers import Transfers
from elcorp.payments.domain.ledger import TransactionType
from elcorp.shared.domain.clock import Clock, SystemClock
from elcorp.shared.domain.money import Money

__all__ = [
    "IdempotencyKeyRequired",
    "LedgerIntegrity",
    "MovementResult",
    "PaymentSettings",
    "Payments",
    "PaymentsUnitOfWork",
    "checked_key",
    "request_hash",
]


class Payments:
    def __init__(
        self,
        uow: Callable[[], PaymentsUnitOfWork],
        movements: Movements,
        access: AccessControl,
        settings: PaymentSettings | None = None,
        *,
        clock: Clock | None = None,
        documents: StatementDocuments | None = None,
    ) -> None:
        settings = settings or PaymentSettings()
        clock = clock or SystemClock()
        planner = MovementPlanner(uow, movements, settings, clock)
        self._history = WalletsAndHistory(uow, access)
        self._transfers = Transfers(planner, access, settings)
        self._bookings = Bookings(uow, planner, access, settings)
        self._reversals = Reversals(uow, planner, movements, access, settings)
        self._approvals = Approvals(uow, access, clock)
        self._top_ups = TopUps(uow, access, clock, TopUpSettings(idempotency_ttl=settings.idempotency_ttl))
        self._documents = documents
        self._integrity = Integrity(uow, access)

    # -- wallets and history ---------------------------------------------------------------
    def open_wallet(self, owner_id: uuid.UUID, address: uuid.UUID, currency: str = "NAD") -> bool:
        return self._history.open_wallet(owner_id, address, currency)

    def on_user_registered(self, event: UserRegistered) -> None:
        self._history.on_user_registered(event)

    def wallets(self, caller: uuid.UUID, owner_id: uuid.UUID | None = None) -> list[Account]:
        return self._history.wallets(caller, owner_id)

    def wallet(self, caller: uuid.UUID, wallet_id: uuid.UUID) -> Account:
        return self._history.wallet(caller, wallet_id)

    def transaction(self, caller: uuid.UUID, transaction_id: uuid.UUID) -> TransactionView:
        return self._history.transaction(caller, transaction_id)

    def views(self, caller: uuid.UUID, transactions: list[Transaction]) -> list[TransactionView]:
        return self._history.views(caller, transactions)

    def transactions(
        self,
        caller: uuid.UUID,
        where: TransactionFilter,
        *,
        after: tuple[datetime, uuid.UUID] | None,
        limit: int,
    ) -> list[TransactionView]:
        return self._history.transactions(caller, where, after=after, limit=limit)

    def statement(
        self, caller: uuid.UUID, wallet_id: uuid.UUID, start: datetime | None, end: datetime | None
    ) -> Statement:
        return self._history.statement(caller, wallet_id, start, end)

    def statement_pdf(
        self, caller: uuid.UUID, wallet_id: uuid.UUID, start: datetime | None, end: datetime | None
    ) -> bytes:
        """The same statement as a PDF document."""
        if self._documents is None:
            raise RuntimeError("Payments was built without a statement renderer (documents=)")
        return self._documents.statement(self._history.statement(caller, wallet_id, start, end), start, end)

    # -- movements -------------------------------------------------------------------------
    def transfer(
        self,
        caller: uuid.UUID,
        *,
        key: str | None,
        body: dict[str, Any],
        source: uuid.UUID,
        destination: uuid.UUID | None,
        destination_address: uuid.UUID | None,
        amount: Money,
        description: str | None,
    ) -> MovementResult:
        return self._transfers.transfer(
            caller,
            key=key,
            body=body,
            source=source,
            destination=destination,
            destination_address=destination_address,
            amount=amount,
            description=description,
        )

    def deposit(
        self,
        caller: uuid.UUID,
        *,
        key: str | None,
        body: dict[str, Any],
        wallet_id: uuid.UUID,
        amount: Money,
        external_reference: str,
    ) -> MovementResult:
        """Staff book money that arrived outside the platform: clearing -> wallet."""
        return self._bookings.book(
            TransactionType.DEPOSIT, caller, key, body, wallet_id, amount, external_reference
        )

    def withdraw(
        self,
        caller: uuid.UUID,
        *,
        key: str | None,
        body: dict[str, Any],
        wallet_id: uuid.UUID,
        amount: Money,
        external_reference: str,
    ) -> MovementResult:
        """Staff book money paid out of the platform: wallet -> clearing."""
        return self._bookings.book(
            TransactionType.WITHDRAWAL, caller, key, body, wallet_id, amount, external_reference
        )

    def top_up(
        self,
        caller: uuid.UUID,
        *,
        key: str | None,
        body: dict[str, Any],
        wallet_id: uuid.UUID,
        amount: Money,
        external_reference: str,
    ) -> MovementResult:
        """A customer announces a payment into their own wallet: a pending deposit."""
        return self._top_ups.request(
            caller,
            key=key,
            body=body,
            wallet_id=wallet_id,
            amount=amount,
            external_reference=external_reference,
        )

    def reverse(
        self,
        caller: uuid.UUID,
        *,
        key: str | None,
        body: dict[str, Any],
        transaction_id: uuid.UUID,
        amount: Money | None,
        reason: str,
    ) -> MovementResult:
        return self._reversals.reverse(
            caller, key=key, body=body, transaction_id=transaction_id, amount=amount, reason=reason
        )

    # -- movements run by other use cases, inside their own unit of work -------------------
    def prepare_transfer(
        self,
        caller: uuid.UUID,
        *,
        key: str | None,
        body: dict[str, Any],
        source: uuid.UUID,
        destination: uuid.UUID,
        amount: Money,
        description: str,
        external_reference: str | None = None,
    ) -> tuple[MovementRequest, MovementAudit]:
        return self._transfers.prepare_transfer(
            caller,
            key=key,
            body=body,
            source=source,
            destination=destination,
            amount=amount,
            description=description,
            external_reference=external_reference,
        )

    def prepare_reversal(
        self,
        caller: uuid.UUID,
        *,
        key: str | None,
        body: dict[str, Any],
        original: Transaction,
        amount: Money | None,
        reason: str,
    ) -> tuple[MovementRequest, MovementAudit]:
        return self._reversals.prepare_reversal(
            caller, key=key, body=body, original=original, amount=amount, reason=reason
        )

    @staticmethod
    def result_of(outcome: MovementOutcome) -> MovementResult:
        return result_of(outcome)

    # -- maker-checker ---------------------------------------------------------------------
    def decide(
        self, caller: uuid.UUID, transaction_id: uuid.UUID, *, approve: bool, reason: str | None
    ) -> Transaction:
        return self._approvals.decide(caller, transaction_id, approve=approve, reason=reason)

    def expire_pending(self, limit: int = 500) -> int:
        return self._approvals.expire_pending(limit)

    def remind_pending_approvals(
        self, *, waiting: timedelta = timedelta(hours=1), every: timedelta = timedelta(hours=4)
    ) -> int:
        return self._approvals.remind_pending_approvals(waiting=waiting, every=every)

    def purge_idempotency_keys(self) -> int:
        return self._approvals.purge_idempotency_keys()

    # -- integrity -------------------------------------------------------------------------
    def check_integrity(self) -> LedgerIntegrity:
        return self._integrity.check_integrity()

    def trial_balance(self, caller: uuid.UUID) -> TrialBalance:
        return self._integrity.trial_balance(caller)

    def verify(self, caller: uuid.UUID) -> ChainReport:
        return self._integrity.verify(caller)

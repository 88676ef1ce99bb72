"""Maker-checker: a second person approves (posts) or rejects a movement waiting for
approval, never its initiator and never the owner of a wallet it moves money on; pending
movements past their deadline expire (their hold released), approvers are reminded, and
spent idempotency keys are purged."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

from elcorp.governance.application.api import AccessControl, Grants
from elcorp.payments.application.ledger_common import APPROVE, WALLET, PaymentsUnitOfWork
from elcorp.payments.application.notifications import PaymentApprovalReminder
from elcorp.payments.application.ports import Transaction
from elcorp.payments.domain.events import TransactionDecided
from elcorp.payments.domain.ledger import check_decider, check_not_own_wallet
from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.domain.clock import Clock
from elcorp.shared.domain.errors import Conflict, NotFound


def decided_event(decided: Transaction) -> TransactionDecided:
    """The outbox event of a decision: it names the initiator (`user_id`), who is told."""
    return TransactionDecided(
        transaction_id=decided.id,
        status=decided.status,
        user_id=decided.initiated_by,
        type=decided.type,
        amount=decided.amount,
        currency=decided.currency,
        decided_by=decided.decided_by,
    )


class Approvals:
    def __init__(self, uow: Callable[[], PaymentsUnitOfWork], access: AccessControl, clock: Clock) -> None:
        self._uow = uow
        self._access = access
        self._clock = clock

    def decide(
        self, caller: uuid.UUID, transaction_id: uuid.UUID, *, approve: bool, reason: str | None
    ) -> Transaction:
        grants = self._access.require(caller, APPROVE)
        with self._uow() as uow:
            found = uow.ledger.transaction(transaction_id)
            if found is None:
                raise NotFound("Transaction not found")
            check_decider(found.initiated_by, caller)
            parties = (
                uow.ledger.account(found.source_account_id),
                uow.ledger.account(found.destination_account_id),
            )
            check_not_own_wallet(caller, *(a.owner_id for a in parties if a is not None and a.kind == WALLET))
            decided = uow.ledger.decide(transaction_id, caller, approve=approve, reason=reason)
            self._record(uow, caller, grants, found, decided, approve=approve, reason=reason)
            uow.publish(decided_event(decided))
            uow.commit()
        return decided

    @staticmethod
    def _record(
        uow: PaymentsUnitOfWork,
        caller: uuid.UUID,
        grants: Grants,
        found: Transaction,
        decided: Transaction,
        *,
        approve: bool,
        reason: str | None,
    ) -> None:
        uow.audit.record(
            f"{found.type}.{'approved' if approve else 'rejected'}",
            Actor(str(caller), tuple(sorted(grants.roles))),
            Resource("transaction", str(found.id)),
            Changes(
                before={"status": found.status},
                after={"status": decided.status, "amount": str(found.amount)},
            ),
            reason=reason,
        )

    def expire_pending(self, limit: int = 500) -> int:
        """Release the holds of pending transactions past their deadline (beat job)."""
        now = self._clock.now()
        with self._uow() as uow:
            due = uow.ledger.pending_expired(now, limit)
        return sum(1 for transaction_id in due if self._expire(transaction_id))

    def _expire(self, transaction_id: uuid.UUID) -> bool:
        with self._uow() as uow:
            try:
                expired = uow.ledger.decide(
                    transaction_id, None, approve=False, reason="approval deadline passed"
                )
            except Conflict:  # approved or rejected meanwhile: nothing to expire
                return False
            uow.audit.record(
                "transaction.expired",
                Actor(),
                Resource("transaction", str(transaction_id)),
                Changes(before={"status": "pending_approval"}, after={"status": "expired"}),
            )
            uow.publish(decided_event(expired))
            uow.commit()
        return True

    def remind_pending_approvals(
        self, *, waiting: timedelta = timedelta(hours=1), every: timedelta = timedelta(hours=4)
    ) -> int:
        """Beat job: one reminder event (outbox) per pending transaction due one."""
        now = self._clock.now()
        with self._uow() as uow:
            due = uow.ledger.claim_reminders(now, waiting, every)
            for t in due:
                uow.publish(
                    PaymentApprovalReminder(
                        occurred_at=now,
                        transaction_id=t.id,
                        type=t.type,
                        amount=t.amount,
                        currency=t.currency,
                        initiated_by=t.initiated_by,
                        waiting_since=t.created_at,
                    )
                )
            uow.commit()
        return len(due)

    def purge_idempotency_keys(self) -> int:
        with self._uow() as uow:
            purged = uow.ledger.purge_idempotency_keys(self._clock.now())
            uow.commit()
        return purged

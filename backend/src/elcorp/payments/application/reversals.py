"""Reversals: staff send back all or part of a completed transaction, a compensating
journal entry from its destination to its source, never more than it moved in total
(what reversals awaiting approval would return counts). Never on the caller's own wallet;
above the threshold or the caller's daily limit it waits for a second person."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from elcorp.governance.application.api import AccessControl
from elcorp.payments.application.ledger_common import APPROVE, PaymentSettings, PaymentsUnitOfWork
from elcorp.payments.application.movement_requests import (
    MovementPlanner,
    MovementResult,
    checked_key,
    result_of,
)
from elcorp.payments.application.ports import MovementAudit, MovementRequest, Movements, Transaction
from elcorp.payments.domain.ledger import TransactionType, plan_movement, reversal_amount
from elcorp.shared.domain.errors import NotFound
from elcorp.shared.domain.money import Money


class Reversals:
    def __init__(
        self,
        uow: Callable[[], PaymentsUnitOfWork],
        planner: MovementPlanner,
        movements: Movements,
        access: AccessControl,
        settings: PaymentSettings,
    ) -> None:
        self._uow = uow
        self._planner = planner
        self._movements = movements
        self._access = access
        self._settings = settings

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
        checked_key(key)
        self._access.require(caller, APPROVE)
        with self._uow() as uow:
            original = uow.ledger.transaction(transaction_id)
        if original is None:
            raise NotFound("Transaction not found")
        prepared = self.prepare_reversal(
            caller, key=key, body=body, original=original, amount=amount, reason=reason
        )
        return result_of(self._movements.execute(*prepared))

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
        """The request and audit entry of a (partial) reversal, also run by another use
        case (a credit note refunding a paid invoice): the same rules as `reverse`."""
        idem = checked_key(key)
        grants = self._access.require(caller, APPROVE)
        returned = reversal_amount(
            Money(original.amount, original.currency), original.reversed_amount, amount
        )
        plan = plan_movement(
            TransactionType.REVERSAL, returned, fees=self._settings.fees, thresholds=self._settings.thresholds
        )
        request = self._planner.request(
            caller,
            idem,
            {**body, "transaction_id": str(original.id), "kind": "reversal"},
            plan,
            reversal_of=original.id,
            source=original.destination_account_id,
            destination=original.source_account_id,
            description=reason,
        )
        return self._planner.prepared(caller, grants, request)

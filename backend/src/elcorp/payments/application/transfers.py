"""Transfers: a customer moves money from their own wallet to another wallet (by id or by
wallet address); an invoice payment is the same movement, which may also reach the
platform's revenue account. Above the approval threshold the movement waits for a second
person with the amount and the fee held on the source."""

from __future__ import annotations

import uuid
from typing import Any

from elcorp.governance.application.api import AccessControl
from elcorp.payments.application.ledger_common import CREATE, PaymentSettings
from elcorp.payments.application.movement_requests import MovementPlanner, MovementResult, checked_key
from elcorp.payments.application.ports import MovementAudit, MovementRequest
from elcorp.payments.domain.ledger import MovementPlan, TransactionType, plan_movement
from elcorp.shared.domain.money import Money


class Transfers:
    def __init__(self, planner: MovementPlanner, access: AccessControl, settings: PaymentSettings) -> None:
        self._planner = planner
        self._access = access
        self._settings = settings

    def _plan(self, amount: Money) -> MovementPlan:
        return plan_movement(
            TransactionType.TRANSFER, amount, fees=self._settings.fees, thresholds=self._settings.thresholds
        )

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
        """Move `amount` from the caller's wallet to another (named by id, or by address
        when one is given)."""
        idem = checked_key(key)
        plan = self._plan(amount)
        grants = self._access.require(caller, CREATE)
        payee: dict[str, uuid.UUID | None] = (
            {"destination_address": destination_address}
            if destination_address is not None
            else {"destination": destination}
        )
        request = self._planner.request(
            caller, idem, body, plan, source=source, source_owner=caller, description=description, **payee
        )
        return self._planner.execute(caller, grants, request)

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
        """The request and audit entry of an invoice payment from the caller's own wallet,
        which the invoices use case runs through its unit of work's movements: the same
        rules as `transfer`, except that the payee may be the revenue account too."""
        idem = checked_key(key)
        plan = self._plan(amount)
        grants = self._access.require(caller, CREATE)
        request = self._planner.request(
            caller,
            idem,
            body,
            plan,
            source=source,
            source_owner=caller,
            destination=destination,
            description=description,
            external_reference=external_reference,
            invoice_payment=True,
        )
        return self._planner.prepared(caller, grants, request)

"""Deposits and withdrawals: staff book money that arrived at or left the bank, between
a customer's wallet and the currency's clearing account, one booking per bank reference.

Segregation of duties: never on the staff member's own wallet; above the approval
threshold, or beyond what one person may move alone in a business day, the booking waits
for a colleague's approval (a withdrawal's amount held on the wallet meanwhile)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from elcorp.governance.application.api import AccessControl
from elcorp.payments.application.ledger_common import (
    CREATE,
    DEPOSIT,
    WALLET,
    PaymentSettings,
    PaymentsUnitOfWork,
)
from elcorp.payments.application.movement_requests import MovementPlanner, MovementResult, checked_key
from elcorp.payments.domain.ledger import TransactionType, check_not_own_wallet, plan_movement
from elcorp.shared.domain.errors import NotFound, ValidationFailed
from elcorp.shared.domain.money import Money


class Bookings:
    def __init__(
        self,
        uow: Callable[[], PaymentsUnitOfWork],
        planner: MovementPlanner,
        access: AccessControl,
        settings: PaymentSettings,
    ) -> None:
        self._uow = uow
        self._planner = planner
        self._access = access
        self._settings = settings

    def book(
        self,
        kind: TransactionType,
        caller: uuid.UUID,
        key: str | None,
        body: dict[str, Any],
        wallet_id: uuid.UUID,
        amount: Money,
        external_reference: str,
    ) -> MovementResult:
        """A deposit (clearing -> wallet) or a withdrawal (wallet -> clearing)."""
        idem = checked_key(key)
        grants = self._access.require(caller, CREATE, DEPOSIT)
        if not external_reference.strip():
            raise ValidationFailed(
                details=[{"field": "external_reference", "message": "the bank's reference is required"}]
            )
        plan = plan_movement(kind, amount, fees=self._settings.fees, thresholds=self._settings.thresholds)
        clearing = self._clearing_for(caller, wallet_id, amount.currency)
        inbound = kind is TransactionType.DEPOSIT
        request = self._planner.request(
            caller,
            idem,
            {**body, "wallet_id": str(wallet_id), "kind": kind.value},
            plan,
            source=clearing if inbound else wallet_id,
            destination=wallet_id if inbound else clearing,
            external_reference=external_reference,
        )
        return self._planner.execute(caller, grants, request)

    def _clearing_for(self, caller: uuid.UUID, wallet_id: uuid.UUID, currency: str) -> uuid.UUID:
        """The clearing account of the currency, once the wallet is known to be a wallet
        that is not the caller's own."""
        with self._uow() as uow:
            wallet = uow.ledger.account(wallet_id)
            if wallet is None or wallet.kind != WALLET:
                raise NotFound("Wallet not found")
            check_not_own_wallet(caller, wallet.owner_id)
            return uow.ledger.system_account("clearing", currency)

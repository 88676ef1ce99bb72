"""Top-ups: a customer announces money they are paying in from outside the platform (a bank
transfer or a cash deposit at the bank, carrying `external_reference`).

The top-up is a deposit (clearing -> the customer's own wallet) stored as
`pending_approval`, with no posting and no hold: the wallet's balance and available
balance do not change until it completes. It completes exactly once, when either

- staff who see the money at the bank approve it (`POST /transactions/{id}/approve`, the
  maker-checker route every pending movement uses: the customer made it, a member of staff
  checks it), or
- a reconciliation run finds a bank statement line with the same reference, amount and
  currency (`Reconciliations.run`);

staff may reject it, and it expires at its deadline like any pending movement. A top-up is
recognisable in the ledger as a deposit its wallet's owner initiated (staff never deposit
to a wallet of their own, PAY_009). Its reference is unique among the deposits in its
currency that are pending or completed (PAY_010), so one bank payment never credits twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from elcorp.governance.application.api import AccessControl
from elcorp.payments.application.ledger_common import CREATE, WALLET, PaymentsUnitOfWork
from elcorp.payments.application.movement_requests import (
    MovementResult,
    checked_key,
    request_hash,
    result_of,
)
from elcorp.payments.application.ports import Account, MovementRequest
from elcorp.payments.domain.ledger import TransactionStatus, TransactionType, checked_amount
from elcorp.payments.domain.movement import AccountNotActive, CurrencyMismatch
from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.domain.clock import Clock
from elcorp.shared.domain.errors import NotFound, ValidationFailed
from elcorp.shared.domain.money import Money

TOP_UP_DESCRIPTION = "Top-up awaiting payment"


@dataclass(frozen=True, slots=True)
class TopUpSettings:
    ttl: timedelta = timedelta(days=7)  # a bank transfer may take days to arrive
    idempotency_ttl: timedelta = timedelta(hours=24)


def _check_own_wallet(wallet: Account | None, caller: uuid.UUID, currency: str) -> None:
    """Only the caller's own active wallet, in its currency (anyone else's: "not found")."""
    if wallet is None or wallet.kind != WALLET or wallet.owner_id != caller:
        raise NotFound("Wallet not found")
    if wallet.currency != currency:
        raise CurrencyMismatch("the currency must be the wallet's")
    if wallet.status != "active":
        raise AccountNotActive("the wallet is not active")


class TopUps:
    def __init__(
        self,
        uow: Callable[[], PaymentsUnitOfWork],
        access: AccessControl,
        clock: Clock,
        settings: TopUpSettings | None = None,
    ) -> None:
        self._uow = uow
        self._access = access
        self._clock = clock
        self._settings = settings or TopUpSettings()

    def request(
        self,
        caller: uuid.UUID,
        *,
        key: str | None,
        body: dict[str, Any],
        wallet_id: uuid.UUID,
        amount: Money,
        external_reference: str,
    ) -> MovementResult:
        """A pending top-up of the caller's own wallet (201; the same answer on a replay)."""
        idem = checked_key(key)
        grants = self._access.require(caller, CREATE)
        reference = external_reference.strip()
        if not reference:
            raise ValidationFailed(
                "The payment reference is required",
                details=[{"field": "external_reference", "message": "the payment's reference is required"}],
            )
        checked_amount(amount)
        with self._uow() as uow:
            _check_own_wallet(uow.ledger.account(wallet_id), caller, amount.currency)
            request = MovementRequest(
                caller=caller,
                kind=TransactionType.DEPOSIT,
                status=TransactionStatus.PENDING_APPROVAL,
                transaction_id=uuid.uuid4(),
                journal_entry_id=uuid.uuid4(),
                amount=amount.amount,
                fee=Decimal(0),
                currency=amount.currency,
                idempotency_key=idem,
                request_hash=request_hash({**body, "wallet_id": str(wallet_id), "kind": "top_up"}),
                idempotency_ttl=self._settings.idempotency_ttl,
                source=uow.ledger.system_account("clearing", amount.currency),
                destination=wallet_id,
                description=TOP_UP_DESCRIPTION,
                external_reference=reference,
                expires_at=self._clock.now() + self._settings.ttl,
            )
            outcome = uow.ledger.request_top_up(request)
            if not outcome.replayed:
                uow.audit.record(
                    "deposit.top_up_requested",
                    Actor(str(caller), tuple(sorted(grants.roles))),
                    Resource("transaction", str(request.transaction_id)),
                    Changes(
                        after={
                            "amount": str(amount.amount),
                            "currency": amount.currency,
                            "wallet_id": str(wallet_id),
                            "status": TransactionStatus.PENDING_APPROVAL.value,
                        }
                    ),
                )
            uow.commit()
        return result_of(outcome)

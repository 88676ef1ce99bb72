"""Wallets and history: a customer's wallets, transactions and statements, and the wallet
every new user gets. Customers see their own; staff see every one (anything else is "not
found", so nobody learns of a wallet they may not see)."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Collection, Sequence
from datetime import datetime

from elcorp.governance.application.api import AccessControl
from elcorp.identity.application.api import UserRegistered
from elcorp.payments.application.ledger_common import PaymentsUnitOfWork, is_staff
from elcorp.payments.application.ports import (
    Account,
    Counterparty,
    Statement,
    Transaction,
    TransactionFilter,
    TransactionView,
)
from elcorp.payments.domain.perspective import perspective
from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.domain.errors import NotFound


def _viewed(
    uow: PaymentsUnitOfWork, mine: Collection[uuid.UUID], transactions: Sequence[Transaction]
) -> list[TransactionView]:
    seen = [
        (t, perspective(t.source_account_id, t.destination_account_id, t.amount, t.fee, mine))
        for t in transactions
    ]
    wanted = {p.counterparty_id for _, p in seen if p.counterparty_id is not None}
    accounts = {a.id: a for a in uow.ledger.find_accounts(wanted)} if wanted else {}
    views = []
    for t, p in seen:
        other = accounts.get(p.counterparty_id) if p.counterparty_id is not None else None
        counterparty = None if other is None else Counterparty(other.id, other.kind, other.address)
        direction = None if p.direction is None else p.direction.value
        views.append(TransactionView(t, direction, counterparty, p.signed_amount))
    return views


class WalletsAndHistory:
    def __init__(self, uow: Callable[[], PaymentsUnitOfWork], access: AccessControl) -> None:
        self._uow = uow
        self._access = access

    def open_wallet(self, owner_id: uuid.UUID, address: uuid.UUID, currency: str = "NAD") -> bool:
        """Idempotent: a second call for the same owner and currency opens nothing."""
        with self._uow() as uow:
            opened = uow.ledger.open_wallet(owner_id, address, currency)
            if opened:
                uow.audit.record(
                    "wallet.opened",
                    Actor(),
                    Resource("user", str(owner_id)),
                    Changes(after={"currency": currency}),
                )
            uow.commit()
        return opened

    def on_user_registered(self, event: UserRegistered) -> None:
        """Outbox handler: every new user gets a NAD wallet at their wallet address."""
        self.open_wallet(event.user_id, event.wallet_address)

    def wallets(self, caller: uuid.UUID, owner_id: uuid.UUID | None = None) -> list[Account]:
        """The caller's wallets, or (staff only) another user's: anyone else naming another
        owner gets an empty list, never a hint that the user exists."""
        owner = caller if owner_id is None else owner_id
        if owner != caller and not is_staff(self._access.grants_for(caller)):
            return []
        with self._uow() as uow:
            return uow.ledger.wallets_of(owner)

    def wallet(self, caller: uuid.UUID, wallet_id: uuid.UUID) -> Account:
        with self._uow() as uow:
            found = uow.ledger.account(wallet_id)
        if found is None or not (found.owner_id == caller or is_staff(self._access.grants_for(caller))):
            raise NotFound("Wallet not found")
        return found

    def transaction(self, caller: uuid.UUID, transaction_id: uuid.UUID) -> TransactionView:
        grants = self._access.grants_for(caller)
        with self._uow() as uow:
            found = uow.ledger.transaction(transaction_id)
            mine = {w.id for w in uow.ledger.wallets_of(caller)}
            if found is None or not (
                is_staff(grants)
                or found.source_account_id in mine
                or found.destination_account_id in mine
                or found.initiated_by == caller
            ):
                raise NotFound("Transaction not found")
            return _viewed(uow, mine, [found])[0]

    def views(self, caller: uuid.UUID, transactions: Sequence[Transaction]) -> list[TransactionView]:
        """Transactions the caller already may see (they made or decided them), each with
        its direction, counterparty and signed amount relative to the caller's wallets."""
        with self._uow() as uow:
            return _viewed(uow, {w.id for w in uow.ledger.wallets_of(caller)}, transactions)

    def transactions(
        self,
        caller: uuid.UUID,
        where: TransactionFilter,
        *,
        after: tuple[datetime, uuid.UUID] | None,
        limit: int,
    ) -> list[TransactionView]:
        grants = self._access.grants_for(caller)
        with self._uow() as uow:
            mine = frozenset(w.id for w in uow.ledger.wallets_of(caller))
            if not is_staff(grants):
                where = dataclasses.replace(where, account_ids=mine)
            return _viewed(uow, mine, uow.ledger.transactions(where, after=after, limit=limit))

    def statement(
        self, caller: uuid.UUID, wallet_id: uuid.UUID, start: datetime | None, end: datetime | None
    ) -> Statement:
        """The wallet's postings in [start, end) with the balance before and after."""
        self.wallet(caller, wallet_id)  # 404 unless the caller may see it
        with self._uow() as uow:
            found = uow.ledger.statement(wallet_id, start, end)
        if found is None:
            raise NotFound("Wallet not found")
        return found

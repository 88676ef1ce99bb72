"""Ledger accounts as the movement rules see them: who owns one, what kind it is, whether
it is active, and what it can still pay.

A wallet belongs to a customer; the system accounts (clearing, fees, revenue, suspense)
belong to nobody and only some movements may touch them. A wallet never pays more than
its available balance (balance less what holds keep aside); the clearing account may go
negative (it mirrors the bank).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from elcorp.payments.domain.movement import AccountNotActive, CurrencyMismatch, InsufficientFunds


class AccountKind(StrEnum):
    WALLET = "wallet"
    CLEARING = "clearing"
    FEES = "fees"
    REVENUE = "revenue"
    SUSPENSE = "suspense"
    VEHICLE = "vehicle"


ACTIVE = "active"


@dataclass(frozen=True, slots=True)
class LedgerAccount:
    """An account's state under its row lock, when a movement is checked against it."""

    id: uuid.UUID
    owner_id: uuid.UUID | None
    kind: AccountKind
    currency: str
    status: str = ACTIVE
    balance: Decimal = Decimal(0)
    held: Decimal = Decimal(0)
    allow_negative: bool = False

    @property
    def available(self) -> Decimal:
        return self.balance - self.held

    @property
    def active(self) -> bool:
        return self.status == ACTIVE

    def can_pay(self, debit: Decimal) -> bool:
        """Whether `debit` may leave (or be held on) the account."""
        return self.allow_negative or self.available >= debit


def check_active(source: LedgerAccount, destination: LedgerAccount) -> None:
    """Money moves only between active accounts: a frozen or closed wallet neither pays
    nor receives."""
    if not (source.active and destination.active):
        raise AccountNotActive()


def check_currency(source: LedgerAccount, destination: LedgerAccount, currency: str) -> None:
    """A movement is in the currency of both its accounts: no conversion happens here."""
    if source.currency != currency or destination.currency != currency:
        raise CurrencyMismatch()


def check_funds(source: LedgerAccount, debit: Decimal) -> None:
    """The source covers the amount and the fee from what it has available."""
    if not source.can_pay(debit):
        raise InsufficientFunds()

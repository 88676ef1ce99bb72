"""Payments domain events other contexts may react to (through the outbox)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from elcorp.shared.domain.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class LedgerIntegrityFailed(DomainEvent):
    """The nightly check found books that do not add up or an account history that was
    altered: compliance opens an incident from it."""

    event_type = "payments.LedgerIntegrityFailed"
    unbalanced_currencies: list[str]  # currencies whose postings do not sum to zero
    mismatched_accounts: int  # accounts whose cached balance or holds differ from their rows
    first_broken_link: dict[str, str] | None  # the first posting hash chain link that fails


@dataclass(frozen=True, kw_only=True)
class TransactionDecided(DomainEvent):
    """A movement that waited for a second person was approved (completed), rejected or
    expired: whatever waited on it (an invoice payment) settles or lets go, and the person
    who started it (`user_id`) is told (their event feed reads it from the outbox).

    `user_id`, `type`, `amount` and `currency` are None only on events stored before they
    were added."""

    event_type = "payments.TransactionDecided"
    transaction_id: uuid.UUID
    status: str  # completed | rejected | expired
    user_id: uuid.UUID | None = None  # who initiated the movement (a customer's transfer or top-up)
    type: str | None = None  # transfer | deposit | withdrawal | reversal
    amount: Decimal | None = None
    currency: str | None = None
    decided_by: uuid.UUID | None = None  # None when it expired


@dataclass(frozen=True, kw_only=True)
class InvoiceOverdue(DomainEvent):
    """An issued invoice is past its due date unpaid: the payer gets a reminder."""

    event_type = "payments.InvoiceOverdue"
    invoice_id: uuid.UUID
    number: str
    payer_id: uuid.UUID
    amount_due: Decimal
    currency: str
    due_date: str  # ISO date

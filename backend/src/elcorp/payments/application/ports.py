"""Ports of the payments application layer: the ledger store and what it returns, and the
invoice store (its documents are the domain's, re-exported here for the adapters)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from elcorp.payments.domain.invoice import CreditNote as CreditNote
from elcorp.payments.domain.invoice import DocumentLine as DocumentLine
from elcorp.payments.domain.invoice import Invoice as Invoice
from elcorp.payments.domain.invoice import Issuer as Issuer
from elcorp.payments.domain.invoice import Receipt as Receipt
from elcorp.payments.domain.ledger import TransactionStatus, TransactionType
from elcorp.shared.application.audit import AuditedAction


@dataclass(frozen=True, slots=True)
class Account:
    id: uuid.UUID
    owner_id: uuid.UUID | None
    kind: str
    currency: str
    address: uuid.UUID | None
    balance: Decimal
    held: Decimal
    status: str
    created_at: datetime

    @property
    def available(self) -> Decimal:
        return self.balance - self.held


@dataclass(frozen=True, slots=True)
class Transaction:
    id: uuid.UUID
    type: str
    status: str
    amount: Decimal
    fee: Decimal
    currency: str
    source_account_id: uuid.UUID
    destination_account_id: uuid.UUID
    description: str | None
    external_reference: str | None
    initiated_by: uuid.UUID
    decided_by: uuid.UUID | None
    decided_at: datetime | None
    decision_reason: str | None
    reversal_of: uuid.UUID | None
    reversed_amount: Decimal
    expires_at: datetime | None
    created_at: datetime
    completed_at: datetime | None


@dataclass(frozen=True, slots=True)
class Counterparty:
    """The account on the other side of a movement, as a customer may see it: its id, its
    kind (`wallet`, or `clearing` for money from or to a bank) and a wallet's address;
    never who owns it."""

    id: uuid.UUID
    kind: str
    address: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class TransactionView:
    """A transaction seen by one caller (`elcorp.payments.domain.perspective`): the
    direction relative to the caller's wallets, the counterparty and the signed amount;
    all three None when neither account is the caller's."""

    transaction: Transaction
    direction: str | None
    counterparty: Counterparty | None
    signed_amount: Decimal | None


@dataclass(frozen=True, slots=True)
class TransactionFilter:
    account_ids: frozenset[uuid.UUID] | None = None  # None: every account (staff)
    wallet_id: uuid.UUID | None = None
    status: str | None = None
    type: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None


@dataclass(frozen=True, slots=True)
class TrialBalance:
    totals: dict[str, Decimal]  # currency -> sum of every posting (must be 0)
    mismatched_accounts: list[dict[str, Any]]  # cached balance != sum of postings

    @property
    def balanced(self) -> bool:
        return all(v == 0 for v in self.totals.values()) and not self.mismatched_accounts


@dataclass(frozen=True, slots=True)
class ChainReport:
    accounts_checked: int
    postings_checked: int
    first_broken: dict[str, Any] | None

    @property
    def ok(self) -> bool:
        return self.first_broken is None


@dataclass(frozen=True, slots=True)
class StatementLine:
    at: datetime
    transaction_id: uuid.UUID
    type: str
    description: str | None
    amount: Decimal  # signed: + in, - out
    balance: Decimal  # after this line
    direction: str | None = None  # in | out | internal, relative to the wallet's owner
    counterparty: Counterparty | None = None


@dataclass(frozen=True, slots=True)
class Statement:
    account: Account
    opening: Decimal
    lines: list[StatementLine]
    closing: Decimal


@dataclass(frozen=True, slots=True)
class MovementRequest:
    """One money movement as the application planned it, for the store to apply or refuse.

    `source`/`destination` are account ids (a transfer may name the payee by wallet
    address instead); `source_owner` binds a transfer to the caller's own wallet. A staff
    movement that may complete alone carries the caller's `solo_limit` for the business day
    starting at `day_start`: beyond it the store holds the movement until
    `held_expires_at`. `expires_at` is the deadline of a movement planned as pending."""

    caller: uuid.UUID
    kind: TransactionType
    status: TransactionStatus
    transaction_id: uuid.UUID
    journal_entry_id: uuid.UUID
    amount: Decimal
    fee: Decimal
    currency: str
    idempotency_key: str
    request_hash: str
    idempotency_ttl: timedelta
    source: uuid.UUID | None = None
    destination: uuid.UUID | None = None
    destination_address: uuid.UUID | None = None
    source_owner: uuid.UUID | None = None
    description: str | None = None
    external_reference: str | None = None
    invoice_payment: bool = False
    reversal_of: uuid.UUID | None = None
    fee_account: uuid.UUID | None = None
    expires_at: datetime | None = None
    solo_limit: Decimal | None = None
    day_start: datetime | None = None
    held_expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class MovementAudit:
    """The audit entry the store writes with the movement: `entry`, or `held` instead when
    the store itself holds the movement for approval (a staff member's daily limit)."""

    entry: AuditedAction
    held: AuditedAction | None = None


@dataclass(frozen=True, slots=True)
class MovementOutcome:
    """The movement as first answered: the same transaction on every replay of its key
    (`replayed`), with the status code of that first answer."""

    transaction: Transaction
    replayed: bool
    status_code: int = 201


class Movements(Protocol):
    """Money movements applied by the store in one atomic statement (payments_execute):
    the idempotency key, the locks, the checks, the postings or the hold, the audit entry
    and the stored response, all or nothing. Each call is a transaction of its own and
    commits by itself: no unit of work spans it, so nothing else may ride along."""

    def execute(self, request: MovementRequest, audit: MovementAudit) -> MovementOutcome:
        """The movement as first answered (or replayed); a `LedgerRefusal` when refused."""
        ...


class Ledger(Protocol):
    def open_wallet(self, owner_id: uuid.UUID, address: uuid.UUID, currency: str) -> bool: ...

    def system_account(self, kind: str, currency: str) -> uuid.UUID: ...

    def wallets_of(self, owner_id: uuid.UUID) -> list[Account]: ...

    def account(self, account_id: uuid.UUID) -> Account | None: ...

    def find_accounts(self, account_ids: Collection[uuid.UUID]) -> list[Account]:
        """The accounts of these ids that exist (any order)."""
        ...

    def transaction(self, transaction_id: uuid.UUID) -> Transaction | None: ...

    def transactions(
        self, where: TransactionFilter, *, after: tuple[datetime, uuid.UUID] | None, limit: int
    ) -> list[Transaction]: ...

    def decide(
        self, transaction_id: uuid.UUID, decider: uuid.UUID | None, *, approve: bool, reason: str | None
    ) -> Transaction:
        """Approve (post, capture the hold), reject, or - with no decider - expire (release
        the hold) a pending transaction, under the row locks; the caller checked
        maker-checker and writes the audit entry."""
        ...

    def request_top_up(self, request: MovementRequest) -> MovementOutcome:
        """Store a top-up (a deposit awaiting the customer's external payment) as
        `pending_approval` with no hold, with its Idempotency-Key, or replay the key's first
        answer; `DuplicateExternalReference` when its reference is already booked."""
        ...

    def pending_top_ups(self, references: Collection[str]) -> list[Transaction]:
        """Pending top-ups whose reference is one of these (trimmed, any case)."""
        ...

    def pending_expired(self, now: datetime, limit: int) -> list[uuid.UUID]: ...

    def purge_idempotency_keys(self, now: datetime) -> int: ...

    def claim_reminders(self, now: datetime, waiting: timedelta, every: timedelta) -> list[Transaction]:
        """Pending transactions older than `waiting` not reminded within `every`: marked
        reminded now and returned (atomic)."""
        ...

    def statement(
        self, account_id: uuid.UUID, start: datetime | None, end: datetime | None
    ) -> Statement | None: ...

    def trial_balance(self) -> TrialBalance: ...

    def verify_chains(self) -> ChainReport: ...


class DocumentNumbers(Protocol):
    def next(self, issuer_id: uuid.UUID, series: str, year: int) -> int:
        """The next number of the series for the issuer and year, taken inside the caller's
        transaction: consecutive, never reused, and given back if that transaction rolls back."""
        ...


# -- invoices ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class InvoiceFilter:
    payer_id: uuid.UUID | None = None  # None: every payer (staff)
    issuer_id: uuid.UUID | None = None
    status: str | None = None


class Invoices(Protocol):
    """The invoice store (the repository of the `Invoice` aggregate). Reads with `lock=True`
    take the invoice's row lock for the rest of the transaction: every change of an invoice
    happens under it. The unit of work stores what changed on the invoices this store
    handed out or took in, and publishes their events, when it commits."""

    def platform_issuer(self, name: str, address: str, vat_number: str | None) -> Issuer:
        """The platform's own issuer row, created or brought in step with the settings."""
        ...

    def add_issuer(self, issuer: Issuer) -> None: ...

    def issuer(self, issuer_id: uuid.UUID) -> Issuer | None: ...

    def issuers(self) -> list[Issuer]: ...

    def add(self, invoice: Invoice) -> None: ...

    def get(self, invoice_id: uuid.UUID, *, lock: bool = False) -> Invoice | None: ...

    def by_payment(self, transaction_id: uuid.UUID, *, lock: bool = False) -> Invoice | None: ...

    def search(self, where: InvoiceFilter, *, offset: int, limit: int) -> tuple[list[Invoice], int]: ...

    def add_credit_note(self, note: CreditNote, *, refund_key: str | None = None) -> None: ...

    def credit_notes(self, invoice_id: uuid.UUID) -> list[CreditNote]: ...

    def credit_note_by_refund_key(self, invoice_id: uuid.UUID, key: str) -> CreditNote | None:
        """The credit note that refunded a paid invoice under this Idempotency-Key."""
        ...

    def add_receipt(self, receipt: Receipt) -> None: ...

    def receipt_for(self, transaction_id: uuid.UUID) -> Receipt | None: ...

    def receipt_of(self, invoice_id: uuid.UUID) -> Receipt | None: ...

    def claim_overdue(self, today: date, now: datetime, every: timedelta, limit: int) -> list[Invoice]:
        """Issued invoices past their due date not reminded within `every`: marked reminded
        now and returned (atomic, so overlapping runs remind once)."""
        ...


class StatementDocuments(Protocol):
    """Renders a wallet's statement as a printable document (PDF)."""

    def statement(self, statement: Statement, start: datetime | None, end: datetime | None) -> bytes: ...


class InvoiceDocuments(Protocol):
    """Renders the printable documents (PDF)."""

    def tax_invoice(self, invoice: Invoice) -> bytes: ...

    def receipt(self, receipt: Receipt, invoice: Invoice) -> bytes: ...

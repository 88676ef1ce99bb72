"""Invoices: draft, issue, void, pay, credit, print; receipts; overdue reminders.

`InvoiceService` is the facade the wiring and the HTTP layer call; each use case lives in
`payments.application.invoicing` and works on the `Invoice` aggregate
(`payments.domain.invoice`), which holds the rules.

Every change of an invoice happens under its row lock, in one transaction with its audit
entry, its document number (gap-free per issuer, series and year) and, for a payment or a
refund, the money movement itself (`payments_execute` on the same connection): an invoice
is paid exactly when the money moved.

A payment above the approval threshold waits for a second person like any transfer: the
invoice stays issued with the pending transaction noted on it, and settles (paid, with its
receipt) or lets go when `payments.TransactionDecided` arrives through the outbox.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from elcorp.governance.application.api import AccessControl
from elcorp.payments.application.invoicing.common import (
    CREATE,
    MANAGE,
    READ,
    IdempotencyKeyReused,
    InvoiceDesk,
    InvoiceSettings,
    InvoicesUnitOfWork,
    KeySpent,
    People,
    PlatformBusiness,
    RawLines,
)
from elcorp.payments.application.invoicing.credit_notes import Credit, CreditNotes
from elcorp.payments.application.invoicing.drafts import Drafts
from elcorp.payments.application.invoicing.issuing import Issuing
from elcorp.payments.application.invoicing.payment import Paying, Payment
from elcorp.payments.application.invoicing.queries import InvoiceQueries
from elcorp.payments.application.invoicing.reminders import Reminders
from elcorp.payments.application.payments import Payments
from elcorp.payments.application.ports import InvoiceDocuments, InvoiceFilter
from elcorp.payments.domain.events import TransactionDecided
from elcorp.payments.domain.invoice import (
    CreditNote,
    Invoice,
    Issuer,
    IssuerNotVatRegistered,
    NothingDue,
    PaymentPending,
    Receipt,
)
from elcorp.shared.application.pagination import Page, PageRequest
from elcorp.shared.domain.clock import Clock, SystemClock

__all__ = [
    "CREATE",
    "MANAGE",
    "READ",
    "Credit",
    "IdempotencyKeyReused",
    "InvoiceService",
    "InvoiceSettings",
    "InvoicesUnitOfWork",
    "IssuerNotVatRegistered",
    "KeySpent",
    "NothingDue",
    "Payment",
    "PaymentPending",
    "People",
    "PlatformBusiness",
    "RawLines",
]


class InvoiceService:
    """The invoice use cases behind one object; every method delegates."""

    def __init__(
        self,
        uow: Callable[[], InvoicesUnitOfWork],
        payments: Payments,
        access: AccessControl,
        people: People,
        documents: InvoiceDocuments,
        settings: InvoiceSettings | None = None,
        *,
        clock: Clock | None = None,
    ) -> None:
        desk = InvoiceDesk(uow, access, settings or InvoiceSettings(), clock or SystemClock())
        self._drafts = Drafts(desk, people)
        self._issuing = Issuing(desk)
        self._paying = Paying(desk, payments)
        self._credit_notes = CreditNotes(desk, payments)
        self._queries = InvoiceQueries(desk, documents)
        self._reminders = Reminders(desk)

    # -- issuers and drafts ----------------------------------------------------------------
    def issuers(self, caller: uuid.UUID) -> list[Issuer]:
        return self._drafts.issuers(caller)

    def issuer(self, caller: uuid.UUID, issuer_id: uuid.UUID) -> Issuer:
        return self._drafts.issuer(caller, issuer_id)

    def add_issuer(
        self, caller: uuid.UUID, *, name: str, address: str, vat_number: str | None, owner_id: uuid.UUID
    ) -> Issuer:
        return self._drafts.add_issuer(
            caller, name=name, address=address, vat_number=vat_number, owner_id=owner_id
        )

    def create(
        self,
        caller: uuid.UUID,
        *,
        payer_id: uuid.UUID,
        currency: str,
        lines: RawLines,
        due_date: date | None = None,
        issuer_id: uuid.UUID | None = None,
        payer_address: str | None = None,
        payer_vat_number: str | None = None,
    ) -> Invoice:
        return self._drafts.create(
            caller,
            payer_id=payer_id,
            currency=currency,
            lines=lines,
            due_date=due_date,
            issuer_id=issuer_id,
            payer_address=payer_address,
            payer_vat_number=payer_vat_number,
        )

    # -- issuing, paying, crediting --------------------------------------------------------
    def issue(self, caller: uuid.UUID, invoice_id: uuid.UUID) -> Invoice:
        return self._issuing.issue(caller, invoice_id)

    def void(self, caller: uuid.UUID, invoice_id: uuid.UUID, reason: str) -> Invoice:
        return self._issuing.void(caller, invoice_id, reason)

    def pay(self, caller: uuid.UUID, invoice_id: uuid.UUID, *, key: str | None) -> Payment:
        return self._paying.pay(caller, invoice_id, key=key)

    def on_transaction_decided(self, event: TransactionDecided) -> None:
        self._paying.on_transaction_decided(event)

    def credit(
        self, caller: uuid.UUID, invoice_id: uuid.UUID, *, lines: RawLines, reason: str, key: str | None
    ) -> Credit:
        return self._credit_notes.credit(caller, invoice_id, lines=lines, reason=reason, key=key)

    # -- reading, printing, reminding ------------------------------------------------------
    def get(self, caller: uuid.UUID, invoice_id: uuid.UUID) -> tuple[Invoice, list[CreditNote]]:
        return self._queries.get(caller, invoice_id)

    def credit_note(self, caller: uuid.UUID, invoice_id: uuid.UUID, note_id: uuid.UUID) -> CreditNote:
        return self._queries.credit_note(caller, invoice_id, note_id)

    def search(
        self, caller: uuid.UUID, where: InvoiceFilter, page: PageRequest | None = None
    ) -> Page[Invoice]:
        return self._queries.search(caller, where, page or PageRequest())

    def pdf(self, caller: uuid.UUID, invoice_id: uuid.UUID) -> tuple[Invoice, bytes]:
        return self._queries.pdf(caller, invoice_id)

    def receipt_pdf(self, caller: uuid.UUID, transaction_id: uuid.UUID) -> tuple[Receipt, bytes]:
        return self._queries.receipt_pdf(caller, transaction_id)

    def remind_overdue(self, limit: int = 500) -> int:
        return self._reminders.remind_overdue(limit)

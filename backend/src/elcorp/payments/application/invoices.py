"""Invoices use cases: draft, issue, void, pay, credit, print; receipts; overdue reminders.

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
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Protocol

from elcorp.governance.application.api import AccessControl, Grants, Scope
from elcorp.payments.application.payments import MovementResult, Payments, checked_key
from elcorp.payments.application.ports import (
    CreditNote,
    DocumentLine,
    DocumentNumbers,
    Invoice,
    InvoiceDocuments,
    InvoiceFilter,
    Invoices,
    Issuer,
    Ledger,
    Movements,
    Receipt,
    Transaction,
)
from elcorp.payments.domain.events import InvoiceOverdue, TransactionDecided
from elcorp.payments.domain.invoices import (
    DEFAULT_VAT_RATE,
    InvoiceStateConflict,
    InvoiceStatus,
    Line,
    Series,
    check_credit,
    check_transition,
    checked_lines,
    document_number,
    totals,
)
from elcorp.payments.domain.ledger import TransactionStatus, money_text
from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.application.unit_of_work import UnitOfWork
from elcorp.shared.domain.clock import WINDHOEK, Clock, SystemClock
from elcorp.shared.domain.errors import AccessDenied, Conflict, ErrorCode, NotFound, ValidationFailed
from elcorp.shared.domain.ids import new_id
from elcorp.shared.domain.money import Money

CREATE, READ, MANAGE = "invoice:create", "invoice:read", "invoice:manage"
RawLines = list[tuple[str, str | Decimal, str | Decimal]]


class InvoicesUnitOfWork(UnitOfWork, Protocol):
    @property
    def invoices(self) -> Invoices: ...

    @property
    def ledger(self) -> Ledger: ...

    @property
    def document_numbers(self) -> DocumentNumbers: ...

    @property
    def movements(self) -> Movements: ...


class People(Protocol):
    """Identity's public API, as invoices need it."""

    def names(self, user_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]: ...


class IssuerNotVatRegistered(Conflict):
    code = ErrorCode.ISSUER_NOT_VAT_REGISTERED
    default_message = "A tax invoice needs the supplier's VAT registration number; this issuer has none"


class PaymentPending(Conflict):
    code = ErrorCode.INVOICE_PAYMENT_PENDING
    default_message = "A payment of this invoice is waiting for approval"


class NothingDue(Conflict):
    code = ErrorCode.INVOICE_NOTHING_DUE
    default_message = "Nothing is left to pay on this invoice: credit notes cover its total"


class IdempotencyKeyReused(ValidationFailed):
    code = ErrorCode.IDEMPOTENCY_KEY_REUSED
    default_message = "This Idempotency-Key was used for another request"


class KeySpent(Conflict):
    code = ErrorCode.INVOICE_PAYMENT_KEY_SPENT
    default_message = (
        "The payment made under this Idempotency-Key was rejected or expired: pay again with a new key"
    )


def _movement(transaction: Transaction) -> MovementResult:
    """A stored transaction as a movement's answer (what a replay shows)."""
    data = {
        "id": str(transaction.id),
        "type": transaction.type,
        "status": transaction.status,
        "amount": str(transaction.amount),
        "fee": str(transaction.fee),
        "currency": transaction.currency,
        "source_wallet_id": str(transaction.source_account_id),
        "destination_wallet_id": str(transaction.destination_account_id),
        "description": transaction.description,
        "external_reference": transaction.external_reference,
        "initiated_by": str(transaction.initiated_by),
        "expires_at": transaction.expires_at,
        "created_at": transaction.created_at.isoformat(),
        "completed_at": transaction.completed_at,
        "reversal_of": None if transaction.reversal_of is None else str(transaction.reversal_of),
    }
    return MovementResult(data, 201, True)


@dataclass(frozen=True, slots=True)
class PlatformBusiness:
    """The platform's own business: the default issuer, paid into the revenue account."""

    name: str = "Elcorp Namibia (Pty) Ltd"
    address: str = "Windhoek, Namibia"
    vat_number: str | None = None


@dataclass(frozen=True, slots=True)
class InvoiceSettings:
    vat_rate: Decimal = DEFAULT_VAT_RATE
    business: PlatformBusiness = field(default_factory=PlatformBusiness)
    remind_every: timedelta = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class Payment:
    """What paying answered: the invoice as it now stands and the movement (for replay)."""

    invoice: Invoice
    movement: MovementResult


@dataclass(frozen=True, slots=True)
class Credit:
    note: CreditNote
    refund: MovementResult | None  # the reversal paying back a paid invoice's credit


class InvoiceService:
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
        self._uow = uow
        self._payments = payments
        self._access = access
        self._people = people
        self._documents = documents
        self._settings = settings or InvoiceSettings()
        self._clock = clock or SystemClock()

    # -- issuers -------------------------------------------------------------------------------
    def issuers(self, caller: uuid.UUID) -> list[Issuer]:
        self._access.require(caller, CREATE)
        with self._uow() as uow:
            self._platform(uow)
            found = uow.invoices.issuers()
            uow.commit()
        return found

    def add_issuer(
        self, caller: uuid.UUID, *, name: str, address: str, vat_number: str | None, owner_id: uuid.UUID
    ) -> Issuer:
        """A business (its owner's wallet receives its invoices' payments)."""
        grants = self._access.require(caller, MANAGE, scope=Scope.ALL)
        if not self._people.names([owner_id]):
            raise NotFound("No active user with this id")
        issuer = Issuer(new_id(), name, address, vat_number, owner_id, False, self._clock.now())
        with self._uow() as uow:
            uow.invoices.add_issuer(issuer)
            uow.audit.record(
                "invoice_issuer.created",
                self._actor(caller, grants),
                Resource("invoice_issuer", str(issuer.id)),
                Changes(after={"name": name, "vat_number": vat_number, "owner_id": str(owner_id)}),
            )
            uow.commit()
        return issuer

    # -- drafts and their life -----------------------------------------------------------------
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
        """A draft: no number yet, amounts by the one rounding rule of domain/invoices.py."""
        grants = self._access.require(caller, CREATE)
        checked = checked_lines(lines)
        amounts = totals(checked, currency, self._settings.vat_rate)
        payer_name = self._people.names([payer_id]).get(payer_id)
        if payer_name is None:
            raise ValidationFailed(details=[{"field": "payer_id", "message": "no active user with this id"}])
        with self._uow() as uow:
            issuer = self._platform(uow) if issuer_id is None else uow.invoices.issuer(issuer_id)
            if issuer is None:
                raise ValidationFailed(details=[{"field": "issuer_id", "message": "no such issuer"}])
            self._may_issue_for(caller, grants, CREATE, issuer)
            if issuer.is_platform:
                try:
                    uow.ledger.system_account("revenue", currency)
                except NotFound as exc:
                    raise ValidationFailed(
                        details=[
                            {"field": "currency", "message": f"the platform does not invoice in {currency}"}
                        ]
                    ) from exc
            draft = Invoice(
                id=new_id(),
                issuer_id=issuer.id,
                payer_id=payer_id,
                currency=currency,
                status=InvoiceStatus.DRAFT.value,
                number=None,
                vat_rate=self._settings.vat_rate,
                lines=[
                    DocumentLine(x.description, x.quantity, x.unit_price, x.net(currency)) for x in checked
                ],
                subtotal=amounts.subtotal,
                vat=amounts.vat,
                total=amounts.total,
                credited=Decimal(0),
                due_date=due_date,
                payer_name=payer_name,
                payer_address=payer_address,
                payer_vat_number=payer_vat_number,
                issuer_name=None,
                issuer_address=None,
                issuer_vat_number=None,
                created_by=caller,
                created_at=self._clock.now(),
                issued_at=None,
                paid_at=None,
                voided_at=None,
                void_reason=None,
                payment_transaction_id=None,
                payment_key=None,
            )
            uow.invoices.add(draft)
            uow.audit.record(
                "invoice.drafted",
                self._actor(caller, grants),
                Resource("invoice", str(draft.id)),
                Changes(after=self._summary(draft)),
            )
            uow.commit()
        return draft

    def issue(self, caller: uuid.UUID, invoice_id: uuid.UUID) -> Invoice:
        """Number it (the next of the issuer's INV series for the year in Windhoek), copy the
        particulars it prints, and freeze it."""
        grants = self._access.require(caller, MANAGE)
        with self._uow() as uow:
            found = self._locked(uow, caller, grants, invoice_id, MANAGE)
            check_transition(InvoiceStatus(found.status), InvoiceStatus.ISSUED)
            issuer = uow.invoices.issuer(found.issuer_id)
            if issuer is not None and issuer.is_platform:
                issuer = self._platform(uow)
            if issuer is None or not issuer.vat_number:
                raise IssuerNotVatRegistered()
            now = self._clock.now()
            year = now.astimezone(WINDHOEK).year
            number = document_number(
                Series.INVOICE, year, uow.document_numbers.next(issuer.id, Series.INVOICE.value, year)
            )
            changes = {
                "status": InvoiceStatus.ISSUED.value,
                "number": number,
                "issued_at": now,
                "issuer_name": issuer.name,
                "issuer_address": issuer.address,
                "issuer_vat_number": issuer.vat_number,
            }
            uow.invoices.update(invoice_id, **changes)
            uow.audit.record(
                "invoice.issued",
                self._actor(caller, grants),
                Resource("invoice", str(invoice_id)),
                Changes(before={"status": found.status}, after={"status": "issued", "number": number}),
            )
            issued = self._reread(uow, invoice_id)
            uow.commit()
        return issued

    def void(self, caller: uuid.UUID, invoice_id: uuid.UUID, reason: str) -> Invoice:
        """Cancel a draft or an unpaid issued invoice; its number stays used (never reused)."""
        grants = self._access.require(caller, MANAGE)
        with self._uow() as uow:
            found = self._locked(uow, caller, grants, invoice_id, MANAGE)
            if found.payment_transaction_id is not None and found.status == InvoiceStatus.ISSUED.value:
                raise PaymentPending()
            check_transition(InvoiceStatus(found.status), InvoiceStatus.VOID)
            uow.invoices.update(
                invoice_id, status=InvoiceStatus.VOID.value, voided_at=self._clock.now(), void_reason=reason
            )
            uow.audit.record(
                "invoice.voided",
                self._actor(caller, grants),
                Resource("invoice", str(invoice_id)),
                Changes(before={"status": found.status}, after={"status": "void"}),
                reason=reason,
            )
            voided = self._reread(uow, invoice_id)
            uow.commit()
        return voided

    # -- paying --------------------------------------------------------------------------------
    def pay(self, caller: uuid.UUID, invoice_id: uuid.UUID, *, key: str | None) -> Payment:
        """The payer pays what is due from their wallet in the invoice's currency, under an
        Idempotency-Key: the transfer, the invoice becoming paid and its receipt commit
        together. The same key again answers the same; another key on a paid invoice is a
        conflict (it never pays twice)."""
        body = {"invoice_id": str(invoice_id), "kind": "invoice_payment"}
        with self._uow() as uow:
            found = uow.invoices.get(invoice_id, lock=True)
            if found is None or found.payer_id != caller:
                raise NotFound("Invoice not found")
            if found.payment_key is not None and found.payment_key == key:
                replayed = self._replay(uow, found)
                if replayed is not None:
                    return replayed
            if found.payment_transaction_id is not None and found.status == InvoiceStatus.ISSUED.value:
                raise PaymentPending()
            check_transition(InvoiceStatus(found.status), InvoiceStatus.PAID)
            if found.due <= 0:
                raise NothingDue()
            source = next((w.id for w in uow.ledger.wallets_of(caller) if w.currency == found.currency), None)
            if source is None:
                raise ValidationFailed(f"You have no {found.currency} wallet to pay this invoice from")
            request, audit = self._payments.prepare_transfer(
                caller,
                key=key,
                body=body,
                source=source,
                destination=self._payee(uow, found),
                amount=Money(found.due, found.currency),
                description=f"Invoice {found.number}",
                external_reference=found.number,
            )
            movement = Payments.result_of(uow.movements.execute(request, audit))
            transaction_id = uuid.UUID(movement.data["id"])
            if movement.replayed:  # this key paid before, and that payment was rejected or expired
                raise KeySpent()
            uow.invoices.update(invoice_id, payment_transaction_id=transaction_id, payment_key=key)
            if movement.data["status"] == TransactionStatus.COMPLETED.value:
                self._settle(uow, found, transaction_id, Actor(str(caller)))
            else:
                uow.audit.record(
                    "invoice.payment_pending",
                    Actor(str(caller)),
                    Resource("invoice", str(invoice_id)),
                    Changes(after={"transaction_id": str(transaction_id), "amount": str(found.due)}),
                )
            paid = self._reread(uow, invoice_id)
            uow.commit()
        return Payment(paid, movement)

    def _replay(self, uow: InvoicesUnitOfWork, found: Invoice) -> Payment | None:
        transaction_id = found.payment_transaction_id
        if transaction_id is None:  # the pending payment it started was rejected: pay anew
            return None
        transaction = uow.ledger.transaction(transaction_id)
        return None if transaction is None else Payment(found, _movement(transaction))

    def _payee(self, uow: InvoicesUnitOfWork, found: Invoice) -> uuid.UUID:
        """The platform's invoices are paid into its revenue account, a business's into its
        owner's wallet in the invoice's currency."""
        issuer = uow.invoices.issuer(found.issuer_id)
        if issuer is None or issuer.owner_id is None:
            return uow.ledger.system_account("revenue", found.currency)
        wallet = next(
            (w for w in uow.ledger.wallets_of(issuer.owner_id) if w.currency == found.currency), None
        )
        if wallet is None:
            raise Conflict(f"The issuer has no {found.currency} wallet to receive this payment")
        return wallet.id

    def _settle(
        self, uow: InvoicesUnitOfWork, found: Invoice, transaction_id: uuid.UUID, actor: Actor
    ) -> None:
        """Paid, with its receipt (next number of the issuer's RCT series)."""
        now = self._clock.now()
        year = now.astimezone(WINDHOEK).year
        number = document_number(
            Series.RECEIPT, year, uow.document_numbers.next(found.issuer_id, Series.RECEIPT.value, year)
        )
        uow.invoices.update(
            found.id, status=InvoiceStatus.PAID.value, paid_at=now, payment_transaction_id=transaction_id
        )
        uow.invoices.add_receipt(
            Receipt(new_id(), found.id, transaction_id, number, found.due, found.currency, now)
        )
        uow.audit.record(
            "invoice.paid",
            actor,
            Resource("invoice", str(found.id)),
            Changes(
                before={"status": found.status},
                after={"status": "paid", "transaction_id": str(transaction_id), "receipt": number},
            ),
        )

    def on_transaction_decided(self, event: TransactionDecided) -> None:
        """Outbox handler: a pending invoice payment was approved (paid), or rejected or
        expired (the invoice is payable again)."""
        with self._uow() as uow:
            found = uow.invoices.by_payment(event.transaction_id, lock=True)
            if found is None or found.status != InvoiceStatus.ISSUED.value:
                return  # not an invoice payment, or already settled (a redelivered event)
            if event.status == TransactionStatus.COMPLETED.value:
                self._settle(uow, found, event.transaction_id, Actor())
            else:
                uow.invoices.update(found.id, payment_transaction_id=None, payment_key=None)
                uow.audit.record(
                    "invoice.payment_failed",
                    Actor(),
                    Resource("invoice", str(found.id)),
                    Changes(after={"transaction_id": str(event.transaction_id), "status": event.status}),
                )
            uow.commit()

    # -- credit notes --------------------------------------------------------------------------
    def credit(
        self, caller: uuid.UUID, invoice_id: uuid.UUID, *, lines: RawLines, reason: str, key: str | None
    ) -> Credit:
        """A credit note against an issued or paid invoice, never for more than is left
        uncredited. On a paid invoice the credit is paid back to the payer at once (a
        partial reversal of the payment, so it needs an Idempotency-Key: the same key and
        body answer the same credit note again); on an unpaid one it lowers what is due."""
        grants = self._access.require(caller, MANAGE)
        with self._uow() as uow:
            found = self._locked(uow, caller, grants, invoice_id, MANAGE)
            checked = checked_lines(lines)
            amounts = totals(checked, found.currency, found.vat_rate)
            paid = found.status == InvoiceStatus.PAID.value and found.payment_transaction_id is not None
            if paid:
                key = checked_key(key)
                earlier = uow.invoices.credit_note_by_refund_key(invoice_id, key)
                if earlier is not None:
                    return self._credit_replayed(uow, earlier, checked, reason)
            check_credit(InvoiceStatus(found.status), found.total, found.credited, amounts.total)
            if found.payment_transaction_id is not None and found.status == InvoiceStatus.ISSUED.value:
                raise PaymentPending()
            refund = None
            if paid:
                refund = self._refund(
                    uow, caller, found, key, lines, Money(amounts.total, found.currency), reason
                )
            now = self._clock.now()
            year = now.astimezone(WINDHOEK).year
            number = document_number(
                Series.CREDIT_NOTE,
                year,
                uow.document_numbers.next(found.issuer_id, Series.CREDIT_NOTE.value, year),
            )
            note = CreditNote(
                id=new_id(),
                invoice_id=invoice_id,
                number=number,
                reason=reason,
                lines=[
                    DocumentLine(x.description, x.quantity, x.unit_price, x.net(found.currency))
                    for x in checked
                ],
                subtotal=amounts.subtotal,
                vat=amounts.vat,
                total=amounts.total,
                refund_transaction_id=None if refund is None else uuid.UUID(refund.data["id"]),
                created_by=caller,
                created_at=now,
            )
            uow.invoices.add_credit_note(note, refund_key=key if paid else None)
            uow.invoices.update(invoice_id, credited=found.credited + amounts.total)
            uow.audit.record(
                "invoice.credited",
                self._actor(caller, grants),
                Resource("invoice", str(invoice_id)),
                Changes(
                    before={"credited": str(found.credited)},
                    after={
                        "credited": str(found.credited + amounts.total),
                        "credit_note": number,
                        "refund_transaction_id": None if refund is None else refund.data["id"],
                    },
                ),
                reason=reason,
            )
            uow.commit()
        return Credit(note, refund)

    def _refund(
        self,
        uow: InvoicesUnitOfWork,
        caller: uuid.UUID,
        found: Invoice,
        key: str | None,
        lines: RawLines,
        amount: Money,
        reason: str,
    ) -> MovementResult:
        """Pay a paid invoice's credit back: a partial reversal of its payment, in this
        unit of work (the note and the money commit together)."""
        original = (
            None
            if found.payment_transaction_id is None
            else uow.ledger.transaction(found.payment_transaction_id)
        )
        if original is None:
            raise NotFound("The invoice's payment was not found")
        request, audit = self._payments.prepare_reversal(
            caller,
            key=key,
            body={"invoice_id": str(found.id), "lines": [list(map(str, x)) for x in lines]},
            original=original,
            amount=amount,
            reason=f"Credit note for invoice {found.number}: {reason}",
        )
        return Payments.result_of(uow.movements.execute(request, audit))

    def _credit_replayed(
        self, uow: InvoicesUnitOfWork, earlier: CreditNote, checked: list[Line], reason: str
    ) -> Credit:
        """The same Idempotency-Key again: the same request answers the note it made; any
        other request under that key is refused (nothing moves twice)."""
        asked = [(x.description, x.quantity, x.unit_price) for x in checked]
        made = [(x.description, x.quantity, x.unit_price) for x in earlier.lines]
        if asked != made or reason != earlier.reason:
            raise IdempotencyKeyReused()
        refund = None
        if earlier.refund_transaction_id is not None:
            transaction = uow.ledger.transaction(earlier.refund_transaction_id)
            refund = None if transaction is None else _movement(transaction)
        return Credit(earlier, refund)

    # -- reading and printing ------------------------------------------------------------------
    def get(self, caller: uuid.UUID, invoice_id: uuid.UUID) -> tuple[Invoice, list[CreditNote]]:
        grants = self._access.require(caller, READ)
        with self._uow() as uow:
            found = uow.invoices.get(invoice_id)
            if found is None or not self._may_read(uow, caller, grants, found):
                raise NotFound("Invoice not found")
            return found, uow.invoices.credit_notes(invoice_id)

    def search(
        self, caller: uuid.UUID, where: InvoiceFilter, *, page: int, per_page: int
    ) -> tuple[list[Invoice], int]:
        """Staff (`invoice:read` scope `all`) see every invoice; others those they pay."""
        grants = self._access.require(caller, READ)
        if grants.scope_of(READ) is not Scope.ALL:
            where = InvoiceFilter(payer_id=caller, issuer_id=where.issuer_id, status=where.status)
        with self._uow() as uow:
            return uow.invoices.search(where, offset=(page - 1) * per_page, limit=per_page)

    def pdf(self, caller: uuid.UUID, invoice_id: uuid.UUID) -> tuple[Invoice, bytes]:
        """The tax invoice as a PDF; a draft is no tax invoice yet (it has no number)."""
        found, _ = self.get(caller, invoice_id)
        if found.number is None:
            raise InvoiceStateConflict(
                "A draft has no tax invoice yet: issue it first", details={"state": "draft"}
            )
        return found, self._documents.tax_invoice(found)

    def receipt_pdf(self, caller: uuid.UUID, transaction_id: uuid.UUID) -> tuple[Receipt, bytes]:
        """The receipt of the invoice the transaction paid (only invoice payments have one)."""
        grants = self._access.grants_for(caller)
        with self._uow() as uow:
            found = uow.invoices.receipt_for(transaction_id)
            invoice = None if found is None else uow.invoices.get(found.invoice_id)
            if found is None or invoice is None or not self._may_read(uow, caller, grants, invoice):
                raise NotFound("No receipt for this transaction: it paid no invoice you can see")
        return found, self._documents.receipt(found, invoice)

    # -- reminders -----------------------------------------------------------------------------
    def remind_overdue(self, limit: int = 500) -> int:
        """Beat job: one reminder (outbox event) per issued invoice past its due date, at
        most once per `remind_every` each."""
        now = self._clock.now()
        today = now.astimezone(WINDHOEK).date()
        with self._uow() as uow:
            due = uow.invoices.claim_overdue(today, now, self._settings.remind_every, limit)
            for found in due:
                uow.publish(
                    InvoiceOverdue(
                        occurred_at=now,
                        invoice_id=found.id,
                        number=found.number or "",
                        payer_id=found.payer_id,
                        amount_due=found.due,
                        currency=found.currency,
                        due_date=found.due_date.isoformat() if found.due_date else "",
                    )
                )
            uow.commit()
        return len(due)

    # -- helpers -------------------------------------------------------------------------------
    @staticmethod
    def _reread(uow: InvoicesUnitOfWork, invoice_id: uuid.UUID) -> Invoice:
        """The invoice as this transaction just wrote it."""
        found = uow.invoices.get(invoice_id)
        if found is None:
            raise NotFound("Invoice not found")
        return found

    def _platform(self, uow: InvoicesUnitOfWork) -> Issuer:
        business = self._settings.business
        return uow.invoices.platform_issuer(business.name, business.address, business.vat_number)

    def _locked(
        self,
        uow: InvoicesUnitOfWork,
        caller: uuid.UUID,
        grants: Grants,
        invoice_id: uuid.UUID,
        permission: str,
    ) -> Invoice:
        found = uow.invoices.get(invoice_id, lock=True)
        if found is None or not self._may_read(uow, caller, grants, found):
            raise NotFound("Invoice not found")
        issuer = uow.invoices.issuer(found.issuer_id)
        if issuer is not None:
            self._may_issue_for(caller, grants, permission, issuer)
        return found

    @staticmethod
    def _may_issue_for(caller: uuid.UUID, grants: Grants, permission: str, issuer: Issuer) -> None:
        """Scope `all` acts for any issuer; a narrower scope only for an issuer one owns."""
        if grants.scope_of(permission) is Scope.ALL:
            return
        if issuer.owner_id != caller:
            raise AccessDenied(f"{permission} for this issuer required")

    @staticmethod
    def _may_read(uow: InvoicesUnitOfWork, caller: uuid.UUID, grants: Grants, found: Invoice) -> bool:
        if grants.scope_of(READ) is Scope.ALL or found.payer_id == caller:
            return True
        issuer = uow.invoices.issuer(found.issuer_id)
        return issuer is not None and issuer.owner_id == caller

    @staticmethod
    def _actor(caller: uuid.UUID, grants: Grants) -> Actor:
        return Actor(str(caller), tuple(sorted(grants.roles)))

    @staticmethod
    def _summary(found: Invoice) -> dict[str, Any]:
        return {
            "issuer_id": str(found.issuer_id),
            "payer_id": str(found.payer_id),
            "currency": found.currency,
            "lines": len(found.lines),
            "subtotal": money_text(found.subtotal, found.currency),
            "vat": money_text(found.vat, found.currency),
            "total": money_text(found.total, found.currency),
        }

"""Paying an invoice, and settling a payment that waited for approval.

The payer pays what is due from their wallet in the invoice's currency; the movement runs
in the invoice's unit of work (`payments_execute` on the same connection), so the money
moving and the invoice becoming paid, with its receipt, commit together. A payment above
the approval threshold leaves the invoice issued with the pending transaction noted on it;
`payments.TransactionDecided` (outbox) then settles it or lets it go.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from elcorp.payments.application.invoicing.common import (
    InvoiceDesk,
    InvoicesUnitOfWork,
    KeySpent,
    movement_of,
)
from elcorp.payments.application.payments import MovementResult, Payments
from elcorp.payments.domain.events import TransactionDecided
from elcorp.payments.domain.invoice import Invoice
from elcorp.payments.domain.invoices import InvoiceStatus, Series
from elcorp.payments.domain.ledger import TransactionStatus
from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.domain.errors import Conflict, NotFound, ValidationFailed
from elcorp.shared.domain.ids import new_id
from elcorp.shared.domain.money import Money


@dataclass(frozen=True, slots=True)
class Payment:
    """What paying answered: the invoice as it now stands and the movement (for replay)."""

    invoice: Invoice
    movement: MovementResult


class Paying:
    def __init__(self, desk: InvoiceDesk, payments: Payments) -> None:
        self._desk = desk
        self._payments = payments

    def pay(self, caller: uuid.UUID, invoice_id: uuid.UUID, *, key: str | None) -> Payment:
        """Under an Idempotency-Key: the same key again answers the same; another key on a
        paid invoice is a conflict (it never pays twice)."""
        with self._desk.uow() as uow:
            found = uow.invoices.get(invoice_id, lock=True)
            if found is None or found.payer_id != caller:
                raise NotFound("Invoice not found")
            if found.payment_key is not None and found.payment_key == key:
                replayed = self._replay(uow, found)
                if replayed is not None:
                    return replayed
            amount = found.check_payable()
            movement = self._transfer(uow, caller, found, Money(amount, found.currency), key)
            transaction_id = uuid.UUID(movement.data["id"])
            if movement.replayed:  # this key paid before, and that payment was rejected or expired
                raise KeySpent()
            found.payment_started(transaction_id, key)
            if movement.data["status"] == TransactionStatus.COMPLETED.value:
                self._settle(uow, found, transaction_id, Actor(str(caller)))
            else:
                uow.audit.record(
                    "invoice.payment_pending",
                    Actor(str(caller)),
                    Resource("invoice", str(invoice_id)),
                    Changes(after={"transaction_id": str(transaction_id), "amount": str(amount)}),
                )
            uow.commit()
        return Payment(found, movement)

    def _transfer(
        self, uow: InvoicesUnitOfWork, caller: uuid.UUID, found: Invoice, amount: Money, key: str | None
    ) -> MovementResult:
        """The payment's movement, in this unit of work: from the payer's wallet in the
        invoice's currency to the issuer's."""
        source = next((w.id for w in uow.ledger.wallets_of(caller) if w.currency == found.currency), None)
        if source is None:
            raise ValidationFailed(
                f"You have no {found.currency} wallet to pay this invoice from",
                details=[
                    {"field": "invoice_id", "message": f"you have no {found.currency} wallet to pay it from"}
                ],
            )
        request, audit = self._payments.prepare_transfer(
            caller,
            key=key,
            body={"invoice_id": str(found.id), "kind": "invoice_payment"},
            source=source,
            destination=self._payee(uow, found),
            amount=amount,
            description=f"Invoice {found.number}",
            external_reference=found.number,
        )
        return Payments.result_of(uow.movements.execute(request, audit))

    @staticmethod
    def _replay(uow: InvoicesUnitOfWork, found: Invoice) -> Payment | None:
        transaction_id = found.payment_transaction_id
        if transaction_id is None:  # the pending payment it started was rejected: pay anew
            return None
        transaction = uow.ledger.transaction(transaction_id)
        return None if transaction is None else Payment(found, movement_of(transaction))

    @staticmethod
    def _payee(uow: InvoicesUnitOfWork, found: Invoice) -> uuid.UUID:
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

    def _settle(self, uow: InvoicesUnitOfWork, found: Invoice, transaction_id: uuid.UUID, by: Actor) -> None:
        """Paid, with its receipt (next number of the issuer's RCT series)."""
        before = found.status
        now = self._desk.clock.now()
        number = self._desk.next_number(uow, found.issuer_id, Series.RECEIPT, now)
        receipt = found.mark_paid(transaction_id, receipt_id=new_id(), number=number, at=now)
        uow.invoices.add_receipt(receipt)
        uow.audit.record(
            "invoice.paid",
            by,
            Resource("invoice", str(found.id)),
            Changes(
                before={"status": before.value},
                after={"status": "paid", "transaction_id": str(transaction_id), "receipt": number},
            ),
        )

    def on_transaction_decided(self, event: TransactionDecided) -> None:
        """Outbox handler: a pending invoice payment was approved (paid), or rejected or
        expired (the invoice is payable again)."""
        with self._desk.uow() as uow:
            found = uow.invoices.by_payment(event.transaction_id, lock=True)
            if found is None or found.status is not InvoiceStatus.ISSUED:
                return  # not an invoice payment, or already settled (a redelivered event)
            if event.status == TransactionStatus.COMPLETED.value:
                self._settle(uow, found, event.transaction_id, Actor())
            else:
                found.payment_failed()
                uow.audit.record(
                    "invoice.payment_failed",
                    Actor(),
                    Resource("invoice", str(found.id)),
                    Changes(after={"transaction_id": str(event.transaction_id), "status": event.status}),
                )
            uow.commit()

"""Credit notes: a correction of an issued or paid invoice, never for more than is left
uncredited. On a paid invoice the credit is paid back to the payer at once (a partial
reversal of its payment, in the invoice's unit of work, so the note and the money commit
together); on an unpaid one it lowers what is due."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from elcorp.governance.application.api import Grants
from elcorp.payments.application.invoicing.common import (
    MANAGE,
    IdempotencyKeyReused,
    InvoiceDesk,
    InvoicesUnitOfWork,
    RawLines,
    actor,
    movement_of,
)
from elcorp.payments.application.payments import MovementResult, Payments, checked_key
from elcorp.payments.domain.invoice import CreditNote, Invoice
from elcorp.payments.domain.invoices import Line, Series, checked_lines
from elcorp.shared.application.audit import Changes, Resource
from elcorp.shared.domain.errors import NotFound
from elcorp.shared.domain.ids import new_id
from elcorp.shared.domain.money import Money


@dataclass(frozen=True, slots=True)
class Credit:
    note: CreditNote
    refund: MovementResult | None  # the reversal paying back a paid invoice's credit


@dataclass(frozen=True, slots=True)
class _Asked:
    """A credit note as asked for: its checked lines, the raw ones (the refund's request
    body names them as sent), the reason and the Idempotency-Key."""

    lines: list[Line]
    raw: RawLines
    reason: str
    key: str | None


class CreditNotes:
    def __init__(self, desk: InvoiceDesk, payments: Payments) -> None:
        self._desk = desk
        self._payments = payments

    def credit(
        self, caller: uuid.UUID, invoice_id: uuid.UUID, *, lines: RawLines, reason: str, key: str | None
    ) -> Credit:
        """A paid invoice's credit needs an Idempotency-Key: the same key and body answer
        the same credit note again, another body under it is refused."""
        grants = self._desk.access.require(caller, MANAGE)
        with self._desk.uow() as uow:
            found = self._desk.locked(uow, caller, grants, invoice_id, MANAGE)
            checked = checked_lines(lines)
            amounts = found.credit_totals(checked)
            asked = _Asked(checked, lines, reason, checked_key(key) if found.is_paid else key)
            if asked.key is not None and found.is_paid:
                earlier = uow.invoices.credit_note_by_refund_key(invoice_id, asked.key)
                if earlier is not None:
                    return self._replayed(uow, earlier, asked)
            found.check_creditable(amounts)
            refund = None
            if found.is_paid:
                refund = self._refund(uow, caller, found, asked, Money(amounts.total, found.currency))
            credit = Credit(self._note(uow, caller, grants, found, asked, refund), refund)
            uow.commit()
        return credit

    def _note(
        self,
        uow: InvoicesUnitOfWork,
        caller: uuid.UUID,
        grants: Grants,
        found: Invoice,
        asked: _Asked,
        refund: MovementResult | None,
    ) -> CreditNote:
        """The numbered note, stored with the invoice's new credited amount and audited."""
        credited_before = found.credited
        now = self._desk.clock.now()
        number = self._desk.next_number(uow, found.issuer_id, Series.CREDIT_NOTE, now)
        note = found.credit(
            new_id(),
            asked.lines,
            number=number,
            reason=asked.reason,
            refund_transaction_id=None if refund is None else uuid.UUID(refund.data["id"]),
            by=caller,
            at=now,
        )
        uow.invoices.add_credit_note(note, refund_key=asked.key if refund is not None else None)
        uow.audit.record(
            "invoice.credited",
            actor(caller, grants),
            Resource("invoice", str(found.id)),
            Changes(
                before={"credited": str(credited_before)},
                after={
                    "credited": str(found.credited),
                    "credit_note": number,
                    "refund_transaction_id": None if refund is None else refund.data["id"],
                },
            ),
            reason=asked.reason,
        )
        return note

    def _refund(
        self, uow: InvoicesUnitOfWork, caller: uuid.UUID, found: Invoice, asked: _Asked, amount: Money
    ) -> MovementResult:
        """Pay a paid invoice's credit back: a partial reversal of its payment."""
        original = (
            None
            if found.payment_transaction_id is None
            else uow.ledger.transaction(found.payment_transaction_id)
        )
        if original is None:
            raise NotFound("The invoice's payment was not found")
        request, audit = self._payments.prepare_reversal(
            caller,
            key=asked.key,
            body={"invoice_id": str(found.id), "lines": [list(map(str, x)) for x in asked.raw]},
            original=original,
            amount=amount,
            reason=f"Credit note for invoice {found.number}: {asked.reason}",
        )
        return Payments.result_of(uow.movements.execute(request, audit))

    @staticmethod
    def _replayed(uow: InvoicesUnitOfWork, earlier: CreditNote, asked: _Asked) -> Credit:
        """The same Idempotency-Key again: the same request answers the note it made; any
        other request under that key is refused (nothing moves twice)."""
        if not earlier.repeats(asked.lines, asked.reason):
            raise IdempotencyKeyReused()
        refund = None
        if earlier.refund_transaction_id is not None:
            transaction = uow.ledger.transaction(earlier.refund_transaction_id)
            refund = None if transaction is None else movement_of(transaction)
        return Credit(earlier, refund)

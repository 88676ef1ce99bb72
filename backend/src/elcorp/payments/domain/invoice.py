"""The invoice aggregate: a tax invoice's state and every rule that changes it.

An invoice is drafted, issued (numbered and frozen), then paid or voided; credit notes
lower what is due (or, once paid, pay money back). Each change is a method here that
checks the move first and changes nothing when it refuses, so a rule is found in one
place and tested without a database. The amounts follow the one rounding rule of
`invoices.py`; document numbers are allocated by the store and handed in. The database
trigger `invoice_frozen` stays as the backstop: it refuses any write that edits what an
issued invoice says, whoever writes it.

Events the invoice records (`events`) are published by the unit of work that loaded it,
in the transaction that stores the change.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from elcorp.payments.domain.events import InvoiceOverdue
from elcorp.payments.domain.invoices import (
    InvoiceStateConflict,
    InvoiceStatus,
    Line,
    Totals,
    check_credit,
    check_transition,
    totals,
)
from elcorp.shared.domain.errors import Conflict
from elcorp.shared.domain.events import DomainEvent


class IssuerNotVatRegistered(Conflict):
    code = "INV_004"
    default_message = "A tax invoice needs the supplier's VAT registration number; this issuer has none"


class PaymentPending(Conflict):
    code = "INV_005"
    default_message = "A payment of this invoice is waiting for approval"


class NothingDue(Conflict):
    code = "INV_006"
    default_message = "Nothing is left to pay on this invoice: credit notes cover its total"


@dataclass(frozen=True, slots=True)
class Issuer:
    id: uuid.UUID
    name: str
    address: str
    vat_number: str | None
    owner_id: uuid.UUID | None  # None: the platform's own business
    is_platform: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class DocumentLine:
    """A printed line: what was asked, and its net rounded by the document's rule."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    net: Decimal

    @classmethod
    def of(cls, line: Line, currency: str) -> DocumentLine:
        return cls(line.description, line.quantity, line.unit_price, line.net(currency))


@dataclass(frozen=True, slots=True)
class CreditNote:
    id: uuid.UUID
    invoice_id: uuid.UUID
    number: str
    reason: str
    lines: list[DocumentLine]
    subtotal: Decimal
    vat: Decimal
    total: Decimal
    refund_transaction_id: uuid.UUID | None
    created_by: uuid.UUID
    created_at: datetime

    def repeats(self, lines: Sequence[Line], reason: str) -> bool:
        """Is this the note the same request made (an Idempotency-Key replay)?"""
        asked = [(x.description, x.quantity, x.unit_price) for x in lines]
        made = [(x.description, x.quantity, x.unit_price) for x in self.lines]
        return asked == made and reason == self.reason


@dataclass(frozen=True, slots=True)
class Receipt:
    id: uuid.UUID
    invoice_id: uuid.UUID
    transaction_id: uuid.UUID
    number: str
    amount: Decimal
    currency: str
    issued_at: datetime


@dataclass(frozen=True, slots=True)
class Draft:
    """What a new invoice says before it is numbered."""

    issuer_id: uuid.UUID
    payer_id: uuid.UUID
    payer_name: str
    currency: str
    vat_rate: Decimal
    lines: Sequence[Line]
    due_date: date | None = None
    payer_address: str | None = None
    payer_vat_number: str | None = None


@dataclass(eq=False)
class Invoice:
    id: uuid.UUID
    issuer_id: uuid.UUID
    payer_id: uuid.UUID
    currency: str
    status: InvoiceStatus
    number: str | None
    vat_rate: Decimal
    lines: list[DocumentLine]
    subtotal: Decimal
    vat: Decimal
    total: Decimal
    credited: Decimal
    due_date: date | None
    payer_name: str
    payer_address: str | None
    payer_vat_number: str | None
    issuer_name: str | None  # the particulars printed on it, copied when issued
    issuer_address: str | None
    issuer_vat_number: str | None
    created_by: uuid.UUID
    created_at: datetime
    issued_at: datetime | None
    paid_at: datetime | None
    voided_at: datetime | None
    void_reason: str | None
    payment_transaction_id: uuid.UUID | None
    payment_key: str | None
    events: list[DomainEvent] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self.status = InvoiceStatus(self.status)  # a stored row names its status as text

    # -- reading -----------------------------------------------------------------------------
    @property
    def due(self) -> Decimal:
        """What is left to pay: the total less what credit notes took off."""
        return self.total - self.credited

    @property
    def payment_pending(self) -> bool:
        """An issued invoice with a payment waiting for a second person's approval."""
        return self.payment_transaction_id is not None and self.status is InvoiceStatus.ISSUED

    @property
    def is_paid(self) -> bool:
        return self.status is InvoiceStatus.PAID and self.payment_transaction_id is not None

    # -- drafting ----------------------------------------------------------------------------
    @classmethod
    def draft(cls, invoice_id: uuid.UUID, draft: Draft, *, by: uuid.UUID, at: datetime) -> Invoice:
        """A draft: no number yet, amounts by the one rounding rule of `invoices.py`."""
        amounts = totals(draft.lines, draft.currency, draft.vat_rate)
        return cls(
            id=invoice_id,
            issuer_id=draft.issuer_id,
            payer_id=draft.payer_id,
            currency=draft.currency,
            status=InvoiceStatus.DRAFT,
            number=None,
            vat_rate=draft.vat_rate,
            lines=[DocumentLine.of(line, draft.currency) for line in draft.lines],
            subtotal=amounts.subtotal,
            vat=amounts.vat,
            total=amounts.total,
            credited=Decimal(0),
            due_date=draft.due_date,
            payer_name=draft.payer_name,
            payer_address=draft.payer_address,
            payer_vat_number=draft.payer_vat_number,
            issuer_name=None,
            issuer_address=None,
            issuer_vat_number=None,
            created_by=by,
            created_at=at,
            issued_at=None,
            paid_at=None,
            voided_at=None,
            void_reason=None,
            payment_transaction_id=None,
            payment_key=None,
        )

    # -- issuing and voiding -----------------------------------------------------------------
    def check_issuable(self, issuer: Issuer | None) -> Issuer:
        """Only a draft is issued, and only by an issuer with a VAT number (a tax invoice
        prints it). Checked before a number is taken."""
        check_transition(self.status, InvoiceStatus.ISSUED)
        if issuer is None or not issuer.vat_number:
            raise IssuerNotVatRegistered()
        return issuer

    def issue(self, issuer: Issuer | None, *, number: str, at: datetime) -> None:
        """Numbered, with the issuer's particulars copied as they print: frozen from now on."""
        checked = self.check_issuable(issuer)
        self.status = InvoiceStatus.ISSUED
        self.number = number
        self.issued_at = at
        self.issuer_name, self.issuer_address = checked.name, checked.address
        self.issuer_vat_number = checked.vat_number

    def void(self, reason: str, *, at: datetime) -> None:
        """A draft or an unpaid issued invoice is cancelled; its number stays used."""
        if self.payment_pending:
            raise PaymentPending()
        check_transition(self.status, InvoiceStatus.VOID)
        self.status = InvoiceStatus.VOID
        self.voided_at = at
        self.void_reason = reason

    # -- paying ------------------------------------------------------------------------------
    def check_payable(self) -> Decimal:
        """What a payment must move now: the invoice is issued, no payment waits, and
        something is left after credit notes."""
        if self.payment_pending:
            raise PaymentPending()
        check_transition(self.status, InvoiceStatus.PAID)
        if self.due <= 0:
            raise NothingDue()
        return self.due

    def payment_started(self, transaction_id: uuid.UUID, key: str | None) -> None:
        """The payment's movement was made under `key`: paid now, or once approved."""
        self.check_payable()
        self.payment_transaction_id = transaction_id
        self.payment_key = key

    def mark_paid(
        self, transaction_id: uuid.UUID, *, receipt_id: uuid.UUID, number: str, at: datetime
    ) -> Receipt:
        """Paid by the movement `transaction_id`: the receipt (numbered by the store) for
        what was due."""
        check_transition(self.status, InvoiceStatus.PAID)
        if self.payment_transaction_id not in (None, transaction_id):
            raise InvoiceStateConflict(
                "Another payment of this invoice is under way", details={"state": self.status.value}
            )
        receipt = Receipt(receipt_id, self.id, transaction_id, number, self.due, self.currency, at)
        self.status = InvoiceStatus.PAID
        self.paid_at = at
        self.payment_transaction_id = transaction_id
        return receipt

    def payment_failed(self) -> None:
        """The waiting payment was rejected or expired: the invoice is payable again, under
        a new key."""
        if not self.payment_pending:
            raise InvoiceStateConflict(
                "No payment of this invoice is waiting", details={"state": self.status.value}
            )
        self.payment_transaction_id = None
        self.payment_key = None

    # -- credit notes ------------------------------------------------------------------------
    def credit_totals(self, lines: Sequence[Line]) -> Totals:
        """A credit note's amounts, at the invoice's own VAT rate."""
        return totals(lines, self.currency, self.vat_rate)

    def check_creditable(self, amounts: Totals) -> None:
        """Issued or paid, for at most what is left uncredited, and not while a payment waits."""
        check_credit(self.status, self.total, self.credited, amounts.total)
        if self.payment_pending:
            raise PaymentPending()

    def credit(
        self,
        note_id: uuid.UUID,
        lines: Sequence[Line],
        *,
        number: str,
        reason: str,
        refund_transaction_id: uuid.UUID | None,
        by: uuid.UUID,
        at: datetime,
    ) -> CreditNote:
        """A credit note (numbered by the store) that lowers what is due, or on a paid
        invoice records the refund that paid it back."""
        amounts = self.credit_totals(lines)
        self.check_creditable(amounts)
        self.credited += amounts.total
        return CreditNote(
            id=note_id,
            invoice_id=self.id,
            number=number,
            reason=reason,
            lines=[DocumentLine.of(line, self.currency) for line in lines],
            subtotal=amounts.subtotal,
            vat=amounts.vat,
            total=amounts.total,
            refund_transaction_id=refund_transaction_id,
            created_by=by,
            created_at=at,
        )

    # -- reminders ---------------------------------------------------------------------------
    def remind_overdue(self, at: datetime) -> None:
        """An issued invoice past its due date: the payer is reminded (an outbox event)."""
        if self.status is not InvoiceStatus.ISSUED:
            raise InvoiceStateConflict(
                f"A {self.status.value} invoice is not reminded", details={"state": self.status.value}
            )
        self.events.append(
            InvoiceOverdue(
                occurred_at=at,
                invoice_id=self.id,
                number=self.number or "",
                payer_id=self.payer_id,
                amount_due=self.due,
                currency=self.currency,
                due_date=self.due_date.isoformat() if self.due_date else "",
            )
        )

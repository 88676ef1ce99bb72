"""Payments test data: money, invoice documents, ledger movements and settlement items
for the domain, and invoice line bodies for the API."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import factory

from elcorp.payments.application.ports import DocumentLine, Invoice
from elcorp.payments.domain.invoice import Issuer
from elcorp.payments.domain.reconciliation import LedgerMovement
from elcorp.payments.domain.settlement import SettlementItem
from elcorp.payments.domain.vehicle_ownership import OwnershipTransfer, TransferStatus
from elcorp.shared.domain.money import Money

NAD = "NAD"
BOOKED_ON = date(2026, 12, 1)
COMPLETED_AT = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
ISSUED_AT = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # 1 January 2027 in Windhoek (UTC+2)


def _cents(n: int) -> Decimal:
    """A different positive amount with two places for each object built: 1.25, 2.50, ..."""
    return (Decimal(n + 1) * Decimal("1.25")).quantize(Decimal("0.01"))


class MoneyFactory(factory.Factory):
    class Meta:
        model = Money

    amount = factory.Sequence(_cents)
    currency = NAD


class InvoiceLineBodyFactory(factory.DictFactory):
    """One line of what `POST /api/v1/invoices` and its credit notes take."""

    description = factory.Sequence(lambda n: f"Service {n + 1}")
    quantity = "1"
    unit_price = "100.00"


class DocumentLineFactory(factory.Factory):
    class Meta:
        model = DocumentLine

    description = factory.Sequence(lambda n: f"Service {n + 1}")
    quantity = Decimal("1")
    unit_price = factory.Sequence(_cents)
    net = factory.LazyAttribute(lambda line: (line.quantity * line.unit_price).quantize(Decimal("0.01")))


class InvoiceFactory(factory.Factory):
    """An issued NAD tax invoice with one line, VAT at 15%, nothing credited or paid."""

    class Meta:
        model = Invoice

    id = factory.LazyFunction(uuid.uuid4)
    issuer_id = factory.LazyFunction(uuid.uuid4)
    payer_id = factory.LazyFunction(uuid.uuid4)
    currency = NAD
    status = "issued"
    number = factory.Sequence(lambda n: f"INV-2027-{n + 1:06d}")
    vat_rate = Decimal("15.00")
    lines = factory.LazyFunction(lambda: [DocumentLineFactory()])
    subtotal = factory.LazyAttribute(lambda i: sum((line.net for line in i.lines), Decimal("0.00")))
    vat = factory.LazyAttribute(lambda i: (i.subtotal * i.vat_rate / 100).quantize(Decimal("0.01")))
    total = factory.LazyAttribute(lambda i: i.subtotal + i.vat)
    credited = Decimal("0")
    due_date = date(2027, 1, 31)
    payer_name = "Ndapewa Shikongo"
    payer_address = "Erf 12, Ondangwa"
    payer_vat_number = None
    issuer_name = "Elcorp Namibia (Pty) Ltd"
    issuer_address = "Windhoek"
    issuer_vat_number = "99-000-0001"
    created_by = factory.LazyFunction(uuid.uuid4)
    created_at = ISSUED_AT
    issued_at = ISSUED_AT
    paid_at = None
    voided_at = None
    void_reason = None
    payment_transaction_id = None
    payment_key = None


class LedgerMovementFactory(factory.Factory):
    """A completed deposit as reconciliation reads it from the ledger (signed as the bank sees it)."""

    class Meta:
        model = LedgerMovement

    transaction_id = factory.LazyFunction(uuid.uuid4)
    reference = factory.Sequence(lambda n: f"DEP-{n + 1}")
    amount = factory.Sequence(_cents)
    currency = NAD
    on = BOOKED_ON


class SettlementItemFactory(factory.Factory):
    class Meta:
        model = SettlementItem

    transaction_id = factory.LazyFunction(uuid.uuid4)
    type = "deposit"
    amount = factory.Sequence(_cents)
    currency = NAD
    completed_at = COMPLETED_AT
    reference = None


class IssuerFactory(factory.Factory):
    """A business that invoices, VAT-registered, paid into its owner's wallet."""

    class Meta:
        model = Issuer

    id = factory.LazyFunction(uuid.uuid4)
    name = factory.Sequence(lambda n: f"Business {n + 1} CC")
    address = "Independence Avenue, Windhoek"
    vat_number = factory.Sequence(lambda n: f"98-{n + 1:03d}-0001")
    owner_id = factory.LazyFunction(uuid.uuid4)
    is_platform = False
    created_at = ISSUED_AT


class DraftInvoiceFactory(InvoiceFactory):
    """A draft: no number, no issuer particulars yet."""

    status = "draft"
    number = None
    issuer_name = None
    issuer_address = None
    issuer_vat_number = None
    issued_at = None


class OwnershipTransferFactory(factory.Factory):
    """An open offer of a vehicle by its owner to another user."""

    class Meta:
        model = OwnershipTransfer

    id = factory.LazyFunction(uuid.uuid4)
    vehicle_id = factory.LazyFunction(uuid.uuid4)
    from_owner_id = factory.LazyFunction(uuid.uuid4)
    to_user_id = factory.LazyFunction(uuid.uuid4)
    status = TransferStatus.OPEN
    offered_by = factory.LazyAttribute(lambda t: t.from_owner_id)
    reason = None
    created_at = COMPLETED_AT
    decided_by = None
    decided_at = None

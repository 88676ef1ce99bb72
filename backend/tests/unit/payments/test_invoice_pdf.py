"""The PDF documents render whatever text a client typed: characters outside Latin-1 (the
built-in font's range) print as "?", never break the document or lose the amounts."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime
from decimal import Decimal

from pypdf import PdfReader

from elcorp.payments.application.ports import Invoice, Receipt
from elcorp.payments.infrastructure.invoice_pdf import PdfInvoiceDocuments
from support.factories.payments import DocumentLineFactory, InvoiceFactory

ISSUED = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # 1 January 2027 in Windhoek (UTC+2)


def invoice(**overrides) -> Invoice:
    """One line of 4 x 1250.5 = 5002.00: the factory totals it to 750.30 VAT and 5752.30."""
    values = {
        "number": "INV-2027-000001",
        "lines": [
            DocumentLineFactory(
                description="Tyres \u2013 \u201cpremium\u201d \U0001f697",
                quantity=Decimal("4"),
                unit_price=Decimal("1250.5"),
                net=Decimal("5002.00"),
            )
        ],
        "payer_name": "\u014cmuhona Nd\u00e9a",
        "created_at": ISSUED,
        "issued_at": ISSUED,
    }
    values.update(overrides)
    return InvoiceFactory(**values)


def text_of(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def test_text_outside_latin1_prints_as_question_marks_and_the_amounts_stay():
    content = text_of(PdfInvoiceDocuments().tax_invoice(invoice()))
    assert "Tyres ? ?premium? ?" in content
    assert "?muhona Nd\u00e9a" in content  # Latin-1 letters print as they are
    for shown in ("Tax Invoice", "INV-2027-000001", "1250.50", "5002.00", "VAT at 15%", "750.30", "5752.30"):
        assert shown in content, shown


def test_dates_are_windhoek_dates():
    content = text_of(PdfInvoiceDocuments().tax_invoice(invoice()))
    assert "Date of issue: 2027-01-01" in content


def test_the_receipt_shows_what_was_paid_after_a_credit_note():
    credited = invoice(status="paid", credited=Decimal("1150.46"), paid_at=ISSUED)
    receipt = Receipt(
        uuid.uuid4(), credited.id, uuid.uuid4(), "RCT-2027-000001", Decimal("4601.84"), "NAD", ISSUED
    )
    content = text_of(PdfInvoiceDocuments().receipt(receipt, credited))
    for shown in (
        "Receipt",
        "RCT-2027-000001",
        "INV-2027-000001",
        "1150.46",
        "Amount paid (NAD)",
        "4601.84",
        str(receipt.transaction_id),
    ):
        assert shown in content, shown

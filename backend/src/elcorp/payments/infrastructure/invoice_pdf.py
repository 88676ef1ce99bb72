"""The printable tax invoice and receipt, rendered with fpdf2.

The tax invoice carries the particulars section 21 of Namibia's VAT Act 10 of 2000 asks
of a full tax invoice: the words "Tax Invoice" in a prominent place; the supplier's name,
address and VAT registration number; the recipient's name and address (and VAT number when
given); the serial number and date of issue; per line the description, quantity and price
excluding VAT; the VAT charged; and the total including VAT. Every figure is the stored
Decimal printed to its currency's minor unit: nothing is recomputed here.

The built-in Helvetica font is Latin-1 only: any other character prints as "?", never
breaks the document.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from elcorp.payments.domain.invoice import DocumentLine, Invoice, Receipt
from elcorp.payments.domain.ledger import money_text
from elcorp.shared.domain.clock import WINDHOEK

FONT = "Helvetica"
LINE_HEIGHT = 6
COLUMNS = (90, 20, 35, 35)  # description, quantity, unit price excl. VAT, amount excl. VAT (mm)


def _latin1(value: object) -> str:
    return str(value).encode("latin-1", errors="replace").decode("latin-1")


def _local_date(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(WINDHOEK).date().isoformat()


def _plain(value: Decimal) -> str:
    """A quantity or a rate without trailing zeros and never in exponent form."""
    return format(value.normalize(), "f")


class _Document(FPDF):
    def __init__(self, title: str, subject: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_title(_latin1(title))
        self.set_subject(_latin1(subject))
        self.set_creator("Elcorp Namibia platform")
        self.set_auto_page_break(auto=True, margin=15)
        self.add_page()

    def text_line(self, text: str, *, size: int = 10, style: str = "", align: str = "L") -> None:
        self.set_font(FONT, style, size)
        self.cell(0, LINE_HEIGHT, _latin1(text), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def block(self, heading: str, lines: Sequence[str | None]) -> None:
        self.text_line(heading, style="B")
        for line in lines:
            if line:
                self.set_font(FONT, "", 10)
                self.multi_cell(0, LINE_HEIGHT - 1, _latin1(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def row(self, cells: Sequence[str], *, style: str = "") -> None:
        self.set_font(FONT, style, 9)
        for index, (width, value) in enumerate(zip(COLUMNS, cells, strict=True)):
            align = "L" if index == 0 else "R"
            last = index == len(COLUMNS) - 1
            self.cell(
                width,
                LINE_HEIGHT,
                _latin1(value),
                border="B",
                align=align,
                new_x=XPos.LMARGIN if last else XPos.RIGHT,
                new_y=YPos.NEXT if last else YPos.TOP,
            )

    def total(self, label: str, amount: str, *, bold: bool = False) -> None:
        self.set_font(FONT, "B" if bold else "", 10)
        self.cell(sum(COLUMNS[:-1]), LINE_HEIGHT, _latin1(label), align="R")
        self.cell(COLUMNS[-1], LINE_HEIGHT, _latin1(amount), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def bytes(self) -> bytes:
        return bytes(self.output())


def _lines(doc: _Document, lines: Sequence[DocumentLine], currency: str) -> None:
    doc.row(["Description", "Quantity", "Unit price excl. VAT", f"Amount excl. VAT ({currency})"], style="B")
    for line in lines:
        doc.row(
            [
                line.description,
                _plain(line.quantity),
                money_text(line.unit_price, currency),
                money_text(line.net, currency),
            ]
        )
    doc.ln(2)


class PdfInvoiceDocuments:
    """`InvoiceDocuments` as PDF files."""

    def tax_invoice(self, invoice: Invoice) -> bytes:
        currency = invoice.currency
        doc = _Document(f"Tax Invoice {invoice.number}", "Tax Invoice")
        doc.text_line("Tax Invoice", size=20, style="B")
        doc.text_line(f"Number: {invoice.number}", style="B")
        doc.text_line(f"Date of issue: {_local_date(invoice.issued_at)}")
        if invoice.due_date is not None:
            doc.text_line(f"Due date: {invoice.due_date.isoformat()}")
        doc.ln(3)
        doc.block(
            "Supplier",
            [
                invoice.issuer_name,
                invoice.issuer_address,
                f"VAT registration number: {invoice.issuer_vat_number}",
            ],
        )
        doc.block(
            "Recipient",
            [
                invoice.payer_name,
                invoice.payer_address,
                f"VAT registration number: {invoice.payer_vat_number}" if invoice.payer_vat_number else None,
            ],
        )
        _lines(doc, invoice.lines, currency)
        doc.total("Total excluding VAT", money_text(invoice.subtotal, currency))
        doc.total(f"VAT at {_plain(invoice.vat_rate)}%", money_text(invoice.vat, currency))
        doc.total(f"Total including VAT ({currency})", money_text(invoice.total, currency), bold=True)
        if invoice.credited:
            doc.total("Credited by credit notes", money_text(invoice.credited, currency))
            doc.total("Amount due", money_text(invoice.due, currency), bold=True)
        doc.ln(4)
        doc.text_line(f"Status: {invoice.status}", size=9)
        return doc.bytes()

    def receipt(self, receipt: Receipt, invoice: Invoice) -> bytes:
        currency = receipt.currency
        doc = _Document(f"Receipt {receipt.number}", "Receipt")
        doc.text_line("Receipt", size=20, style="B")
        doc.text_line(f"Number: {receipt.number}", style="B")
        doc.text_line(f"Date: {_local_date(receipt.issued_at)}")
        doc.text_line(f"For tax invoice: {invoice.number} of {_local_date(invoice.issued_at)}")
        doc.ln(3)
        doc.block(
            "Received by",
            [
                invoice.issuer_name,
                invoice.issuer_address,
                f"VAT registration number: {invoice.issuer_vat_number}",
            ],
        )
        doc.block("Received from", [invoice.payer_name, invoice.payer_address])
        _lines(doc, invoice.lines, currency)
        doc.total("Total excluding VAT", money_text(invoice.subtotal, currency))
        doc.total(f"VAT at {_plain(invoice.vat_rate)}%", money_text(invoice.vat, currency))
        doc.total(f"Total including VAT ({currency})", money_text(invoice.total, currency))
        if invoice.credited:
            doc.total("Credited by credit notes", money_text(invoice.credited, currency))
        doc.total(f"Amount paid ({currency})", money_text(receipt.amount, currency), bold=True)
        doc.ln(4)
        doc.text_line(f"Paid from wallet by transaction {receipt.transaction_id}", size=9)
        return doc.bytes()

"""Tax invoices, their credit notes and document numbers. Pure: the store allocates the
numbers and keeps the rows; this module decides the amounts and the states, and the
`Invoice` aggregate (`invoice.py`) applies them to one invoice.

Amounts, one rounding rule (ROUND_HALF_UP to the currency's minor unit, the cents of NAD):

    line net   = quantity x unit price, rounded per line (what each printed line shows)
    subtotal   = the sum of the line nets (exact: they are already rounded)
    VAT        = subtotal x rate, rounded once on the document (never per line, so the
                 printed lines and the VAT always add up to the total)
    total      = subtotal + VAT

States: draft -> issued -> paid, and draft or issued -> void. An issued invoice is never
edited: a correction is a credit note against it, never for more than is left uncredited.
Numbers are allocated only when a document is issued (a draft has none), per issuer, series
and calendar year, gap-free: `INV-2026-000001`, receipts `RCT-...`, credit notes `CRN-...`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from elcorp.payments.domain.ledger import to_minor_unit
from elcorp.shared.domain.errors import Conflict, ValidationFailed
from elcorp.shared.domain.money import decimal_from_text

DEFAULT_VAT_RATE = Decimal("15")  # percent: Namibia's standard rate (VAT Act 10 of 2000)
MAX_LINES = 200
MAX_QUANTITY_PLACES = 4
MAX_PRICE_PLACES = 8
NUMBER_DIGITS = 6


class InvoiceStatus(StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"
    PAID = "paid"
    VOID = "void"


class Series(StrEnum):
    """The numbered series of documents, each gap-free per issuer and year."""

    INVOICE = "INV"
    RECEIPT = "RCT"
    CREDIT_NOTE = "CRN"


class InvoiceLineInvalid(ValidationFailed):
    code = "INV_001"
    default_message = "An invoice line needs a description, a quantity above zero and a price of zero or more"


class InvoiceStateConflict(Conflict):
    code = "INV_002"
    default_message = "The invoice is not in a state that allows this"


class CreditExceedsInvoice(ValidationFailed):
    code = "INV_003"
    default_message = "A credit note cannot credit more than is left uncredited on the invoice"


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


@dataclass(frozen=True, slots=True)
class Line:
    description: str
    quantity: Decimal
    unit_price: Decimal  # excluding VAT

    def net(self, currency: str) -> Decimal:
        return to_minor_unit(self.quantity * self.unit_price, currency)


def checked_lines(raw: Sequence[tuple[str, str | Decimal, str | Decimal]]) -> list[Line]:
    """Lines as a client sends them: (description, quantity, unit price), amounts as text."""
    if not raw or len(raw) > MAX_LINES:
        raise InvoiceLineInvalid(
            f"An invoice has 1 to {MAX_LINES} lines",
            details=[{"field": "lines", "message": "1 to 200 lines"}],
        )
    lines = []
    for index, (description, quantity_raw, price_raw) in enumerate(raw):
        field = f"lines[{index}]"
        try:
            quantity, price = decimal_from_text(str(quantity_raw)), decimal_from_text(str(price_raw))
        except InvalidOperation as exc:
            raise InvoiceLineInvalid(
                details=[{"field": field, "message": "quantity and unit_price are decimal numbers"}]
            ) from exc
        problems = []
        if not description or not description.strip():
            problems.append("a description is needed")
        if not quantity.is_finite() or quantity <= 0 or _places(quantity) > MAX_QUANTITY_PLACES:
            problems.append(f"quantity above zero, at most {MAX_QUANTITY_PLACES} decimal places")
        if not price.is_finite() or price < 0 or _places(price) > MAX_PRICE_PLACES:
            problems.append(f"unit_price zero or more, at most {MAX_PRICE_PLACES} decimal places")
        if problems:
            raise InvoiceLineInvalid(details=[{"field": field, "message": "; ".join(problems)}])
        lines.append(Line(description.strip(), quantity, price))
    return lines


@dataclass(frozen=True, slots=True)
class Totals:
    subtotal: Decimal
    vat: Decimal
    total: Decimal


def totals(lines: Sequence[Line], currency: str, vat_rate: Decimal = DEFAULT_VAT_RATE) -> Totals:
    """The document's amounts by the module's one rounding rule."""
    subtotal = sum((line.net(currency) for line in lines), Decimal(0))
    vat = to_minor_unit(subtotal * vat_rate / Decimal(100), currency)
    return Totals(subtotal, vat, subtotal + vat)


def document_number(series: Series, year: int, sequence: int) -> str:
    """`INV-2026-000001`: the series, the calendar year, the 1-based place in the year."""
    if sequence < 1:
        raise ValueError("document sequences start at 1")
    return f"{series.value}-{year}-{sequence:0{NUMBER_DIGITS}d}"


def check_transition(current: InvoiceStatus, wanted: InvoiceStatus) -> None:
    """draft -> issued -> paid; draft or issued -> void; nothing else, nothing back."""
    allowed = {
        InvoiceStatus.DRAFT: {InvoiceStatus.ISSUED, InvoiceStatus.VOID},
        InvoiceStatus.ISSUED: {InvoiceStatus.PAID, InvoiceStatus.VOID},
    }
    if wanted not in allowed.get(current, set()):
        raise InvoiceStateConflict(
            f"A {current.value} invoice cannot become {wanted.value}",
            details={"state": current.value, "wanted": wanted.value},
        )


def check_credit(
    status: InvoiceStatus, invoice_total: Decimal, credited: Decimal, credit_total: Decimal
) -> None:
    """A credit note corrects an issued or paid invoice, for at most what is left."""
    if status not in (InvoiceStatus.ISSUED, InvoiceStatus.PAID):
        raise InvoiceStateConflict(
            f"Only an issued or paid invoice can be credited; this one is {status.value}",
            details={"state": status.value},
        )
    left = invoice_total - credited
    if credit_total > left:
        raise CreditExceedsInvoice(f"At most {left} can still be credited on this invoice")

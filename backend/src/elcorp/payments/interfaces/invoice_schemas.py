"""Request and response models of the invoices API (pydantic v2; unknown fields refused: a
client cannot set a number, a status or a total). The amount rules live in
payments/domain/invoices.py; the response models describe exactly what `invoices.py`'s
`*_json` functions send (money as decimal strings in the invoice's currency)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from elcorp.shared.interfaces.pagination import ListQuery

QUANTITY = r"^[0-9]{1,12}(\.[0-9]{1,4})?$"
PRICE = r"^[0-9]{1,12}(\.[0-9]{1,8})?$"
Timestamp = Annotated[
    str, Field(json_schema_extra={"format": "date-time"}, examples=["2026-11-23T08:33:51.620Z"])
]
Money = Annotated[str, Field(description="A decimal string in the invoice's currency", examples=["149.49"])]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- requests ---------------------------------------------------------------------------------
class InvoicePath(Strict):
    invoice_id: uuid.UUID


class CreditNotePath(Strict):
    invoice_id: uuid.UUID
    credit_note_id: uuid.UUID


class InvoiceIssuerPath(Strict):
    issuer_id: uuid.UUID


class TransactionReceiptPath(Strict):
    transaction_id: uuid.UUID


class InvoiceLineBody(Strict):
    description: str = Field(min_length=1, max_length=500)
    quantity: str = Field(pattern=QUANTITY, description='A decimal string above zero, "2" or "1.5"')
    unit_price: str = Field(pattern=PRICE, description='Price of one unit excluding VAT, "99.99"')


class InvoiceBody(Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "payer_id": "0b7c3f7e-5f0e-4a61-9d43-2f1f7d1c9a10",
                    "currency": "NAD",
                    "due_date": "2026-12-31",
                    "lines": [{"description": "Vehicle inspection", "quantity": "1", "unit_price": "129.99"}],
                }
            ]
        },
    )

    payer_id: uuid.UUID
    currency: str = Field(default="NAD", pattern=r"^[A-Z]{3}$")
    due_date: date | None = None
    issuer_id: uuid.UUID | None = Field(default=None, description="Default: the platform's own business")
    payer_address: str | None = Field(default=None, max_length=500, description="Printed on the tax invoice")
    payer_vat_number: str | None = Field(default=None, max_length=40)
    lines: list[InvoiceLineBody] = Field(min_length=1, max_length=200)


class InvoiceVoidBody(Strict):
    reason: str = Field(min_length=1, max_length=500)


class CreditNoteBody(Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "lines": [{"description": "Discount", "quantity": "1", "unit_price": "33.33"}],
                    "reason": "Goodwill",
                }
            ]
        },
    )

    lines: list[InvoiceLineBody] = Field(min_length=1, max_length=200)
    reason: str = Field(min_length=1, max_length=500)


class InvoiceListQuery(ListQuery):
    status: Literal["draft", "issued", "paid", "void"] | None = None
    issuer_id: uuid.UUID | None = None


class InvoiceIssuerListQuery(ListQuery):
    """Issuers are a short list: one page of them."""


class InvoiceIssuerBody(Strict):
    name: str = Field(min_length=1, max_length=200)
    address: str = Field(min_length=1, max_length=500)
    vat_number: str | None = Field(default=None, min_length=1, max_length=40)
    owner_id: uuid.UUID = Field(description="The user whose wallet receives this issuer's invoice payments")


# -- responses --------------------------------------------------------------------------------
class InvoiceIssuer(BaseModel):
    """A business that issues invoices: the platform's own, or one whose owner's wallet
    receives its invoices' payments."""

    id: uuid.UUID
    name: str
    address: str
    vat_number: str | None
    owner_id: uuid.UUID | None = Field(description="Null for the platform's own business")
    is_platform: bool
    created_at: Timestamp


class InvoiceLine(BaseModel):
    description: str
    quantity: str = Field(description="A decimal string", examples=["1.5"])
    unit_price: Money
    net: Money = Field(description="quantity x unit_price, rounded to the currency's minor unit")


class InvoiceIssuerDetails(BaseModel):
    """The issuer as printed on the invoice."""

    id: uuid.UUID
    name: str
    address: str
    vat_number: str | None


class InvoicePayer(BaseModel):
    """The payer as printed on the invoice."""

    name: str
    address: str | None
    vat_number: str | None


class CreditNote(BaseModel):
    """A correction of an issued or paid invoice; on a paid one its total was refunded."""

    id: uuid.UUID
    number: str = Field(examples=["CRN-2026-000001"])
    reason: str
    lines: list[InvoiceLine]
    subtotal: Money
    vat: Money
    total: Money
    refund_transaction_id: uuid.UUID | None = Field(
        description="The reversal that paid the credit back (paid invoices); GET /transactions/{id}"
    )
    created_at: Timestamp


class Invoice(BaseModel):
    """A VAT invoice: a draft (no number) until issued, then paid or void."""

    id: uuid.UUID
    number: str | None = Field(description="Null while draft", examples=["INV-2026-000001"])
    status: Literal["draft", "issued", "paid", "void"]
    issuer: InvoiceIssuerDetails
    payer_id: uuid.UUID
    payer: InvoicePayer
    currency: str = Field(examples=["NAD"])
    vat_rate: str = Field(description="Percent", examples=["15"])
    lines: list[InvoiceLine]
    subtotal: Money
    vat: Money
    total: Money
    credited: Money
    amount_due: Money = Field(description='"0.00" once paid or void')
    issued_at: Timestamp | None
    due_date: date | None
    paid_at: Timestamp | None
    paid_transaction_id: uuid.UUID | None = Field(description="The payment's transaction, once paid")
    pending_transaction_id: uuid.UUID | None = Field(
        description="A payment waiting for approval (the invoice stays issued until it is decided)"
    )
    voided_at: Timestamp | None
    void_reason: str | None
    created_by: uuid.UUID
    created_at: Timestamp
    credit_notes: list[CreditNote] | None = Field(
        description="On GET /invoices/{id} and on creation; null in lists and action answers "
        "(read the invoice, or GET its credit notes one by one)"
    )


# -- examples (a paid NAD invoice of the platform, and a credit note refunded on it) ----------
CREDIT_NOTE_EXAMPLE = {
    "id": "5d1c2a77-3b0e-4f5e-9a51-7c2d8e1f0a44",
    "number": "CRN-2026-000001",
    "reason": "Goodwill",
    "lines": [{"description": "Discount", "quantity": "1", "unit_price": "33.33", "net": "33.33"}],
    "subtotal": "33.33",
    "vat": "5.00",
    "total": "38.33",
    "refund_transaction_id": "b1f0e7a2-8c4d-4e0b-9f3a-6d2c1e0b7a55",
    "created_at": "2026-11-24T09:12:03.418Z",
}
INVOICE_EXAMPLE = {
    "id": "9f8e7d6c-5b4a-4392-8a1b-0c9d8e7f6a5b",
    "number": "INV-2026-000042",
    "status": "paid",
    "issuer": {
        "id": "2a3b4c5d-6e7f-4081-9a2b-3c4d5e6f7a8b",
        "name": "Elcorp Namibia (Pty) Ltd",
        "address": "Windhoek, Namibia",
        "vat_number": "12345678",
    },
    "payer_id": "0b7c3f7e-5f0e-4a61-9d43-2f1f7d1c9a10",
    "payer": {"name": "Tangeni Amutenya", "address": None, "vat_number": None},
    "currency": "NAD",
    "vat_rate": "15",
    "lines": [
        {"description": "Vehicle inspection", "quantity": "1", "unit_price": "129.99", "net": "129.99"}
    ],
    "subtotal": "129.99",
    "vat": "19.50",
    "total": "149.49",
    "credited": "0.00",
    "amount_due": "0.00",
    "issued_at": "2026-11-23T08:30:00.000Z",
    "due_date": "2026-12-23",
    "paid_at": "2026-11-23T08:33:51.620Z",
    "paid_transaction_id": "c4d5e6f7-0819-4a2b-8c3d-4e5f60718293",
    "pending_transaction_id": None,
    "voided_at": None,
    "void_reason": None,
    "created_by": "7e6d5c4b-3a29-4180-9f8e-7d6c5b4a3928",
    "created_at": "2026-11-23T08:29:41.077Z",
    "credit_notes": None,
}

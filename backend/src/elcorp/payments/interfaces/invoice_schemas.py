"""Request models of the invoices API (pydantic v2; unknown fields refused: a client cannot
set a number, a status or a total). The amount rules live in payments/domain/invoices.py."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from elcorp.shared.application.pagination import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE

QUANTITY = r"^[0-9]{1,12}(\.[0-9]{1,4})?$"
PRICE = r"^[0-9]{1,12}(\.[0-9]{1,8})?$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InvoicePath(Strict):
    invoice_id: uuid.UUID


class ReceiptPath(Strict):
    transaction_id: uuid.UUID


class LineBody(Strict):
    description: str = Field(min_length=1, max_length=500)
    quantity: str = Field(pattern=QUANTITY, description='A decimal string above zero, "2" or "1.5"')
    unit_price: str = Field(pattern=PRICE, description='Price of one unit excluding VAT, "99.99"')


class InvoiceBody(Strict):
    payer_id: uuid.UUID
    currency: str = Field(default="NAD", pattern=r"^[A-Z]{3}$")
    due_date: date | None = None
    issuer_id: uuid.UUID | None = Field(default=None, description="Default: the platform's own business")
    payer_address: str | None = Field(default=None, max_length=500, description="Printed on the tax invoice")
    payer_vat_number: str | None = Field(default=None, max_length=40)
    lines: list[LineBody] = Field(min_length=1, max_length=200)


class VoidBody(Strict):
    reason: str = Field(min_length=1, max_length=500)


class CreditNoteBody(Strict):
    lines: list[LineBody] = Field(min_length=1, max_length=200)
    reason: str = Field(min_length=1, max_length=500)


class InvoiceQuery(Strict):
    status: Literal["draft", "issued", "paid", "void"] | None = None
    issuer_id: uuid.UUID | None = None
    page: int = Field(default=1, ge=1, le=MAX_PAGE)
    per_page: int = Field(default=DEFAULT_PER_PAGE, ge=1, le=MAX_PER_PAGE)


class IssuerBody(Strict):
    name: str = Field(min_length=1, max_length=200)
    address: str = Field(min_length=1, max_length=500)
    vat_number: str | None = Field(default=None, min_length=1, max_length=40)
    owner_id: uuid.UUID = Field(description="The user whose wallet receives this issuer's invoice payments")

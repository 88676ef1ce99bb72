"""Reading and printing invoices: object-level, so an invoice the caller may not see is
answered 404 like one that does not exist."""

from __future__ import annotations

import uuid

from elcorp.governance.application.api import Scope
from elcorp.payments.application.invoicing.common import READ, InvoiceDesk, may_read
from elcorp.payments.application.ports import InvoiceDocuments, InvoiceFilter
from elcorp.payments.domain.invoice import CreditNote, Invoice, Receipt
from elcorp.payments.domain.invoices import InvoiceStateConflict
from elcorp.shared.application.pagination import Page, PageRequest
from elcorp.shared.domain.errors import NotFound


class InvoiceQueries:
    def __init__(self, desk: InvoiceDesk, documents: InvoiceDocuments) -> None:
        self._desk = desk
        self._documents = documents

    def get(self, caller: uuid.UUID, invoice_id: uuid.UUID) -> tuple[Invoice, list[CreditNote]]:
        grants = self._desk.access.require(caller, READ)
        with self._desk.uow() as uow:
            found = uow.invoices.get(invoice_id)
            if found is None or not may_read(uow, caller, grants, found):
                raise NotFound("Invoice not found")
            return found, uow.invoices.credit_notes(invoice_id)

    def credit_note(self, caller: uuid.UUID, invoice_id: uuid.UUID, note_id: uuid.UUID) -> CreditNote:
        """One credit note of an invoice the caller may read."""
        _, notes = self.get(caller, invoice_id)
        found = next((n for n in notes if n.id == note_id), None)
        if found is None:
            raise NotFound("Credit note not found")
        return found

    def search(self, caller: uuid.UUID, where: InvoiceFilter, page: PageRequest) -> Page[Invoice]:
        """Staff (`invoice:read` scope `all`) see every invoice; others those they pay."""
        grants = self._desk.access.require(caller, READ)
        if grants.scope_of(READ) is not Scope.ALL:
            where = InvoiceFilter(payer_id=caller, issuer_id=where.issuer_id, status=where.status)
        with self._desk.uow() as uow:
            found, total = uow.invoices.search(where, offset=page.offset, limit=page.per_page)
        return Page(found, page.page, page.per_page, total, offset=page.offset)

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
        grants = self._desk.access.grants_for(caller)
        with self._desk.uow() as uow:
            found = uow.invoices.receipt_for(transaction_id)
            invoice = None if found is None else uow.invoices.get(found.invoice_id)
            if found is None or invoice is None or not may_read(uow, caller, grants, invoice):
                raise NotFound("No receipt for this transaction: it paid no invoice you can see")
        return found, self._documents.receipt(found, invoice)

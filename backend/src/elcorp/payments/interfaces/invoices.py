"""HTTP routes of the payments context: VAT invoices, credit notes and receipts (PDF)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Response, request
from flask_openapi3 import APIBlueprint, Tag

from elcorp.payments.application.invoices import (
    IdempotencyKeyReused,
    InvoiceService,
    IssuerNotVatRegistered,
    KeySpent,
    NothingDue,
    PaymentPending,
)
from elcorp.payments.application.movement_requests import IdempotencyKeyRequired
from elcorp.payments.application.ports import CreditNote, DocumentLine, Invoice, InvoiceFilter, Issuer
from elcorp.payments.domain.invoices import (
    CreditExceedsInvoice,
    InvoiceLineInvalid,
    InvoiceStateConflict,
    InvoiceStatus,
)
from elcorp.payments.domain.ledger import money_text
from elcorp.payments.domain.movement import (
    AccountNotActive,
    IdempotencyKeyInProgress,
    InsufficientFunds,
    ReversalLimitReached,
)
from elcorp.payments.interfaces import invoice_schemas as s
from elcorp.payments.interfaces.http import IDEMPOTENCY_HEADER
from elcorp.shared.domain.clock import isoformat_z
from elcorp.shared.domain.errors import ErrorCode
from elcorp.shared.interfaces import envelope
from elcorp.shared.interfaces.api import API_V1, BEARER, IDEMPOTENCY_KEY_PARAMETER, document_header
from elcorp.shared.interfaces.auth import authenticated, current_caller, require_permission
from elcorp.shared.interfaces.downloads import file_response
from elcorp.shared.interfaces.openapi import created, download, listed, ok
from elcorp.shared.interfaces.pagination import page_response

document_header("post", API_V1 + "/invoices/{invoice_id}/pay", IDEMPOTENCY_KEY_PARAMETER)
document_header(
    "post",
    API_V1 + "/invoices/{invoice_id}/credit-notes",
    {
        **IDEMPOTENCY_KEY_PARAMETER,
        "required": False,
        "description": "Required when the invoice is paid (the credit is refunded at once)",
    },
)
OPEN = (InvoiceStatus.DRAFT.value, InvoiceStatus.ISSUED.value)  # still to be paid


def _line_json(line: DocumentLine, currency: str) -> dict[str, str]:
    return {
        "description": line.description,
        "quantity": format(line.quantity.normalize(), "f"),
        "unit_price": money_text(line.unit_price, currency),
        "net": money_text(line.net, currency),
    }


def issuer_json(issuer: Issuer) -> dict[str, Any]:
    return {
        "id": str(issuer.id),
        "name": issuer.name,
        "address": issuer.address,
        "vat_number": issuer.vat_number,
        "owner_id": None if issuer.owner_id is None else str(issuer.owner_id),
        "is_platform": issuer.is_platform,
        "created_at": isoformat_z(issuer.created_at),
    }


def credit_note_json(note: CreditNote, currency: str) -> dict[str, Any]:
    return {
        "id": str(note.id),
        "number": note.number,
        "reason": note.reason,
        "lines": [_line_json(line, currency) for line in note.lines],
        "subtotal": money_text(note.subtotal, currency),
        "vat": money_text(note.vat, currency),
        "total": money_text(note.total, currency),
        "refund_transaction_id": None
        if note.refund_transaction_id is None
        else str(note.refund_transaction_id),
        "created_at": isoformat_z(note.created_at),
    }


def invoice_json(found: Invoice, credit_notes: list[CreditNote] | None = None) -> dict[str, Any]:
    """The one shape of an invoice (`Invoice`); `credit_notes` is null where they were not read."""
    currency = found.currency
    paid = found.status == InvoiceStatus.PAID.value
    data: dict[str, Any] = {
        "id": str(found.id),
        "number": found.number,
        "status": found.status,
        "issuer": {
            "id": str(found.issuer_id),
            "name": found.issuer_name,
            "address": found.issuer_address,
            "vat_number": found.issuer_vat_number,
        },
        "payer_id": str(found.payer_id),
        "payer": {
            "name": found.payer_name,
            "address": found.payer_address,
            "vat_number": found.payer_vat_number,
        },
        "currency": currency,
        "vat_rate": format(found.vat_rate.normalize(), "f"),
        "lines": [_line_json(line, currency) for line in found.lines],
        "subtotal": money_text(found.subtotal, currency),
        "vat": money_text(found.vat, currency),
        "total": money_text(found.total, currency),
        "credited": money_text(found.credited, currency),
        "amount_due": money_text(found.due if found.status in OPEN else Decimal(0), currency),
        "issued_at": None if found.issued_at is None else isoformat_z(found.issued_at),
        "due_date": None if found.due_date is None else found.due_date.isoformat(),
        "paid_at": None if found.paid_at is None else isoformat_z(found.paid_at),
        "paid_transaction_id": str(found.payment_transaction_id) if paid else None,
        "pending_transaction_id": (
            str(found.payment_transaction_id)
            if found.payment_transaction_id is not None and found.status == InvoiceStatus.ISSUED.value
            else None
        ),
        "voided_at": None if found.voided_at is None else isoformat_z(found.voided_at),
        "void_reason": found.void_reason,
        "created_by": str(found.created_by),
        "created_at": isoformat_z(found.created_at),
    }
    data["credit_notes"] = (
        None if credit_notes is None else [credit_note_json(note, currency) for note in credit_notes]
    )
    return data


def _lines(body: list[s.InvoiceLineBody]) -> list[tuple[str, str, str]]:
    return [(line.description, line.quantity, line.unit_price) for line in body]


def invoice_url(invoice_id: Any) -> str:
    return f"{API_V1}/invoices/{invoice_id}"


def blueprint(invoices: InvoiceService) -> APIBlueprint:
    """The routes, closing over the services they call (built by the context's wiring)."""
    api = APIBlueprint(
        "invoices",
        __name__,
        url_prefix=API_V1,
        abp_tags=[Tag(name="invoices", description="VAT invoices, credit notes and receipts (PDF)")],
    )
    _issuer_routes(api, invoices)
    _invoice_routes(api, invoices)
    _invoice_action_routes(api, invoices)
    _payment_routes(api, invoices)
    _credit_note_routes(api, invoices)
    _document_routes(api, invoices)
    return api


def _issuer_routes(api: APIBlueprint, invoices: InvoiceService) -> None:
    @api.get("/invoice-issuers", security=BEARER, responses=listed(s.InvoiceIssuer))
    @require_permission("invoice:create")
    def list_invoice_issuers(query: s.InvoiceIssuerListQuery) -> Response:
        """List the businesses invoices may be issued for, the platform's own first.

        Whoever may create invoices (invoice:create).
        """
        page = query.page_request().window(invoices.issuers(current_caller().user_id))
        return page_response([issuer_json(i) for i in page.items], page)

    @api.get("/invoice-issuers/<uuid:issuer_id>", security=BEARER, responses=ok(s.InvoiceIssuer))
    @require_permission("invoice:create")
    def get_invoice_issuer(path: s.InvoiceIssuerPath) -> Response:
        """Read one invoice issuer.

        Whoever may create invoices (invoice:create).
        """
        return envelope.success(issuer_json(invoices.issuer(current_caller().user_id, path.issuer_id)))

    @api.post(
        "/invoice-issuers",
        security=BEARER,
        responses=created(s.InvoiceIssuer, ErrorCode.RESOURCE_NOT_FOUND),
    )
    @require_permission("invoice:manage")
    def create_invoice_issuer(body: s.InvoiceIssuerBody) -> Response:
        """Add a business that issues invoices, paid into its owner's wallet.

        Staff holding invoice:manage at scope all; an unknown owner_id is a 404.
        """
        issuer = invoices.add_issuer(
            current_caller().user_id,
            name=body.name,
            address=body.address,
            vat_number=body.vat_number,
            owner_id=body.owner_id,
        )
        return envelope.created(issuer_json(issuer), location=f"{API_V1}/invoice-issuers/{issuer.id}")


def _invoice_routes(api: APIBlueprint, invoices: InvoiceService) -> None:
    @api.post("/invoices", security=BEARER, responses=created(s.Invoice, InvoiceLineInvalid))
    @require_permission("invoice:create")
    def create_invoice(body: s.InvoiceBody) -> Response:
        """Create a draft invoice (no number until it is issued).

        Staff for any issuer; a business owner for their own issuer (invoice:create).
        """
        draft = invoices.create(
            current_caller().user_id,
            payer_id=body.payer_id,
            currency=body.currency,
            lines=list(_lines(body.lines)),
            due_date=body.due_date,
            issuer_id=body.issuer_id,
            payer_address=body.payer_address,
            payer_vat_number=body.payer_vat_number,
        )
        return envelope.created(invoice_json(draft, []), location=invoice_url(draft.id))

    @api.get("/invoices", security=BEARER, responses=listed(s.Invoice))
    @require_permission("invoice:read")
    def list_invoices(query: s.InvoiceListQuery) -> Response:
        """List invoices, newest first.

        Staff (invoice:read at scope all) see every invoice; anyone else those they pay.
        """
        where = InvoiceFilter(issuer_id=query.issuer_id, status=query.status)
        page = invoices.search(current_caller().user_id, where, query.page_request())
        return page_response([invoice_json(i) for i in page.items], page)

    @api.get("/invoices/<uuid:invoice_id>", security=BEARER, responses=ok(s.Invoice))
    @require_permission("invoice:read")
    def get_invoice(path: s.InvoicePath) -> Response:
        """Read one invoice with its credit notes.

        Staff, its payer and its issuer's owner; anyone else gets 404.
        """
        found, notes = invoices.get(current_caller().user_id, path.invoice_id)
        return envelope.success(invoice_json(found, notes))


def _invoice_action_routes(api: APIBlueprint, invoices: InvoiceService) -> None:
    @api.post(
        "/invoices/<uuid:invoice_id>/issue",
        security=BEARER,
        responses=ok(s.Invoice, InvoiceStateConflict, IssuerNotVatRegistered),
    )
    @require_permission("invoice:manage")
    def issue_invoice(path: s.InvoicePath) -> Response:
        """Issue a draft: it gets the next number of its issuer's series and becomes payable.

        Staff, or the issuer's owner (invoice:manage).
        """
        issued = invoices.issue(current_caller().user_id, path.invoice_id)
        return envelope.success(invoice_json(issued))

    @api.post(
        "/invoices/<uuid:invoice_id>/void",
        security=BEARER,
        responses=ok(s.Invoice, InvoiceStateConflict, PaymentPending),
    )
    @require_permission("invoice:manage")
    def void_invoice(path: s.InvoicePath, body: s.InvoiceVoidBody) -> Response:
        """Void a draft or an unpaid issued invoice, with a reason.

        Staff, or the issuer's owner (invoice:manage).
        """
        voided = invoices.void(current_caller().user_id, path.invoice_id, body.reason)
        return envelope.success(invoice_json(voided))


def _payment_routes(api: APIBlueprint, invoices: InvoiceService) -> None:
    @api.post(
        "/invoices/<uuid:invoice_id>/pay",
        security=BEARER,
        responses=ok(
            s.Invoice,
            IdempotencyKeyRequired,
            InsufficientFunds,
            AccountNotActive,
            IdempotencyKeyInProgress,
            InvoiceStateConflict,
            PaymentPending,
            NothingDue,
            KeySpent,
            ErrorCode.CONFLICT,
            example=s.INVOICE_EXAMPLE,
        ),
    )
    @require_permission("payment:create")
    def pay_invoice(path: s.InvoicePath) -> Response:
        """Pay an issued invoice from your wallet in its currency.

        Only its payer, with an Idempotency-Key (the same key answers the same again, with
        Idempotent-Replayed: true). Answers the invoice: paid, with paid_transaction_id; or,
        above the approval threshold, still issued with pending_transaction_id until a second
        person decides the payment.
        """
        payment = invoices.pay(
            current_caller().user_id, path.invoice_id, key=request.headers.get(IDEMPOTENCY_HEADER)
        )
        response = envelope.success(invoice_json(payment.invoice))
        if payment.movement.replayed:
            response.headers["Idempotent-Replayed"] = "true"
        return response


def _credit_note_routes(api: APIBlueprint, invoices: InvoiceService) -> None:
    @api.post(
        "/invoices/<uuid:invoice_id>/credit-notes",
        security=BEARER,
        responses=created(
            s.CreditNote,
            InvoiceLineInvalid,
            CreditExceedsInvoice,
            InvoiceStateConflict,
            PaymentPending,
            IdempotencyKeyRequired,
            IdempotencyKeyReused,
            IdempotencyKeyInProgress,
            ReversalLimitReached,
            InsufficientFunds,
            example=s.CREDIT_NOTE_EXAMPLE,
        ),
    )
    @require_permission("invoice:manage")
    def create_credit_note(path: s.InvoicePath, body: s.CreditNoteBody) -> Response:
        """Credit an issued or paid invoice; on a paid one the credit is refunded at once.

        Staff, or the issuer's owner (invoice:manage). A paid invoice's credit needs an
        Idempotency-Key; the refund's transaction is refund_transaction_id.
        """
        credit = invoices.credit(
            current_caller().user_id,
            path.invoice_id,
            lines=list(_lines(body.lines)),
            reason=body.reason,
            key=request.headers.get(IDEMPOTENCY_HEADER),
        )
        found, _ = invoices.get(current_caller().user_id, path.invoice_id)
        location = f"{invoice_url(path.invoice_id)}/credit-notes/{credit.note.id}"
        response = envelope.created(credit_note_json(credit.note, found.currency), location=location)
        if credit.refund is not None and credit.refund.replayed:
            response.headers["Idempotent-Replayed"] = "true"
        return response

    @api.get(
        "/invoices/<uuid:invoice_id>/credit-notes/<uuid:credit_note_id>",
        security=BEARER,
        responses=ok(s.CreditNote),
    )
    @require_permission("invoice:read")
    def get_credit_note(path: s.CreditNotePath) -> Response:
        """Read one credit note of an invoice.

        Whoever may read the invoice (staff, its payer, its issuer's owner).
        """
        caller = current_caller().user_id
        note = invoices.credit_note(caller, path.invoice_id, path.credit_note_id)
        found, _ = invoices.get(caller, path.invoice_id)
        return envelope.success(credit_note_json(note, found.currency))


def _document_routes(api: APIBlueprint, invoices: InvoiceService) -> None:
    @api.get(
        "/invoices/<uuid:invoice_id>/pdf",
        security=BEARER,
        responses=download(("application/pdf",), InvoiceStateConflict),
    )
    @require_permission("invoice:read")
    def get_invoice_pdf(path: s.InvoicePath) -> Response:
        """Download the tax invoice as a PDF (a draft has none yet).

        Whoever may read the invoice.
        """
        found, body = invoices.pdf(current_caller().user_id, path.invoice_id)
        return file_response(body, mimetype="application/pdf", filename=f"{found.number}.pdf")

    @api.get(
        "/transactions/<uuid:transaction_id>/receipt",
        security=BEARER,
        responses=download(("application/pdf",)),
    )
    @authenticated
    def get_transaction_receipt(path: s.TransactionReceiptPath) -> Response:
        """Download the receipt (PDF) of a transaction that paid an invoice.

        Whoever may read that invoice; any other transaction has no receipt (404).
        """
        found, body = invoices.receipt_pdf(current_caller().user_id, path.transaction_id)
        return file_response(body, mimetype="application/pdf", filename=f"{found.number}.pdf")

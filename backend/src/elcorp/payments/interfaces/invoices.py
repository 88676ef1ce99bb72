"""HTTP routes of the payments context: VAT invoices, credit notes and receipts (PDF)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Response, request
from flask_openapi3 import APIBlueprint, Tag

from elcorp.payments.application.invoices import InvoiceService
from elcorp.payments.application.ports import CreditNote, DocumentLine, Invoice, InvoiceFilter, Issuer
from elcorp.payments.domain.invoices import InvoiceStatus
from elcorp.payments.domain.ledger import money_text
from elcorp.payments.interfaces import invoice_schemas as s
from elcorp.payments.interfaces.http import IDEMPOTENCY_HEADER, movement_json
from elcorp.shared.domain.clock import isoformat_z
from elcorp.shared.interfaces import envelope
from elcorp.shared.interfaces.api import API_V1, BEARER, IDEMPOTENCY_KEY_PARAMETER, document_header
from elcorp.shared.interfaces.auth import authenticated, current_caller, require_permission
from elcorp.shared.interfaces.downloads import file_response

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
    if credit_notes is not None:
        data["credit_notes"] = [credit_note_json(note, currency) for note in credit_notes]
    return data


def _lines(body: list[s.LineBody]) -> list[tuple[str, str, str]]:
    return [(line.description, line.quantity, line.unit_price) for line in body]


def blueprint(invoices: InvoiceService) -> APIBlueprint:
    """The routes, closing over the services they call (built by the context's wiring)."""
    api = APIBlueprint(
        "invoices",
        __name__,
        url_prefix=API_V1,
        abp_tags=[Tag(name="invoices", description="VAT invoices, credit notes and receipts (PDF)")],
    )
    _issuer_and_invoice_routes(api, invoices)
    _invoice_action_routes(api, invoices)
    _receipt_routes(api, invoices)
    return api


def _issuer_and_invoice_routes(api: APIBlueprint, invoices: InvoiceService) -> None:
    # -- issuers ------------------------------------------------------------------------------
    @api.get("/invoice-issuers", security=BEARER)
    @require_permission("invoice:create")
    def list_issuers() -> Response:
        found = invoices.issuers(current_caller().user_id)
        return envelope.success([issuer_json(i) for i in found], meta={"total": len(found)})

    @api.post("/invoice-issuers", security=BEARER)
    @require_permission("invoice:manage")
    def create_issuer(body: s.IssuerBody) -> Response:
        issuer = invoices.add_issuer(
            current_caller().user_id,
            name=body.name,
            address=body.address,
            vat_number=body.vat_number,
            owner_id=body.owner_id,
        )
        return envelope.success(issuer_json(issuer), status=201)

    # -- invoices -----------------------------------------------------------------------------
    @api.post("/invoices", security=BEARER)
    @require_permission("invoice:create")
    def create_invoice(body: s.InvoiceBody) -> Response:
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
        return envelope.success(invoice_json(draft, []), status=201)

    @api.get("/invoices", security=BEARER)
    @require_permission("invoice:read")
    def list_invoices(query: s.InvoiceQuery) -> Response:
        where = InvoiceFilter(issuer_id=query.issuer_id, status=query.status)
        found, total = invoices.search(
            current_caller().user_id, where, page=query.page, per_page=query.per_page
        )
        return envelope.success(
            [invoice_json(i) for i in found],
            meta={"page": query.page, "per_page": query.per_page, "total": total},
        )

    @api.get("/invoices/<uuid:invoice_id>", security=BEARER)
    @require_permission("invoice:read")
    def get_invoice(path: s.InvoicePath) -> Response:
        found, notes = invoices.get(current_caller().user_id, path.invoice_id)
        return envelope.success(invoice_json(found, notes))


def _invoice_action_routes(api: APIBlueprint, invoices: InvoiceService) -> None:
    @api.post("/invoices/<uuid:invoice_id>/issue", security=BEARER)
    @require_permission("invoice:manage")
    def issue_invoice(path: s.InvoicePath) -> Response:
        issued = invoices.issue(current_caller().user_id, path.invoice_id)
        return envelope.success(invoice_json(issued))

    @api.post("/invoices/<uuid:invoice_id>/void", security=BEARER)
    @require_permission("invoice:manage")
    def void_invoice(path: s.InvoicePath, body: s.VoidBody) -> Response:
        voided = invoices.void(current_caller().user_id, path.invoice_id, body.reason)
        return envelope.success(invoice_json(voided))

    @api.post("/invoices/<uuid:invoice_id>/pay", security=BEARER)
    @require_permission("payment:create")
    def pay_invoice(path: s.InvoicePath) -> Response:
        """The payer pays what is due from their wallet in the invoice's currency (idempotent)."""
        payment = invoices.pay(
            current_caller().user_id, path.invoice_id, key=request.headers.get(IDEMPOTENCY_HEADER)
        )
        data = {**invoice_json(payment.invoice), "transaction": movement_json(payment.movement.data)}
        response = envelope.success(data, status=payment.movement.status_code)
        if payment.movement.replayed:
            response.headers["Idempotent-Replayed"] = "true"
        return response

    @api.post("/invoices/<uuid:invoice_id>/credit-notes", security=BEARER)
    @require_permission("invoice:manage")
    def credit_invoice(path: s.InvoicePath, body: s.CreditNoteBody) -> Response:
        credit = invoices.credit(
            current_caller().user_id,
            path.invoice_id,
            lines=list(_lines(body.lines)),
            reason=body.reason,
            key=request.headers.get(IDEMPOTENCY_HEADER),
        )
        found, _ = invoices.get(current_caller().user_id, path.invoice_id)
        data = {
            **credit_note_json(credit.note, found.currency),
            "invoice": invoice_json(found),
            "refund": None if credit.refund is None else movement_json(credit.refund.data),
        }
        response = envelope.success(data, status=201)
        if credit.refund is not None and credit.refund.replayed:
            response.headers["Idempotent-Replayed"] = "true"
        return response

    # -- documents ----------------------------------------------------------------------------
    @api.get("/invoices/<uuid:invoice_id>/pdf", security=BEARER)
    @require_permission("invoice:read")
    def invoice_pdf(path: s.InvoicePath) -> Response:
        found, body = invoices.pdf(current_caller().user_id, path.invoice_id)
        return file_response(body, mimetype="application/pdf", filename=f"{found.number}.pdf")


def _receipt_routes(api: APIBlueprint, invoices: InvoiceService) -> None:
    @api.get("/transactions/<uuid:transaction_id>/receipt", security=BEARER)
    @authenticated
    def receipt_pdf(path: s.ReceiptPath) -> Response:
        found, body = invoices.receipt_pdf(current_caller().user_id, path.transaction_id)
        return file_response(body, mimetype="application/pdf", filename=f"{found.number}.pdf")

"""HTTP routes of the payments context, mounted under /api/v1 by the app factory."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask import Response, request
from flask_openapi3 import APIBlueprint

from elcorp.payments.application.movement_requests import transaction_from_data
from elcorp.payments.application.payments import MovementResult, Payments
from elcorp.payments.application.ports import Account, ChainReport, Transaction, TransactionFilter
from elcorp.payments.domain.ledger import money_text
from elcorp.payments.interfaces import schemas as s
from elcorp.shared.application.pagination import decode_position, encode_position
from elcorp.shared.domain.clock import isoformat_z
from elcorp.shared.domain.money import Money
from elcorp.shared.interfaces import envelope
from elcorp.shared.interfaces.api import (
    API_V1,
    BEARER,
    IDEMPOTENCY_KEY_PARAMETER,
    context_blueprint,
    document_header,
)
from elcorp.shared.interfaces.auth import authenticated, current_caller, require_permission
from elcorp.shared.interfaces.downloads import file_response

IDEMPOTENCY_HEADER = "Idempotency-Key"
for _path in (
    "/transfers",
    "/wallets/{wallet_id}/deposits",
    "/wallets/{wallet_id}/withdrawals",
    "/transactions/{transaction_id}/reversals",
):
    document_header("post", API_V1 + _path, IDEMPOTENCY_KEY_PARAMETER)


def wallet_json(wallet: Account) -> dict[str, Any]:
    return {
        "id": str(wallet.id),
        "currency": wallet.currency,
        "balance": money_text(wallet.balance, wallet.currency),
        "available_balance": money_text(wallet.available, wallet.currency),
        "held": money_text(wallet.held, wallet.currency),
        "status": wallet.status,
        "address": None if wallet.address is None else str(wallet.address),
        "created_at": isoformat_z(wallet.created_at),
    }


def _time(value: datetime | str | None) -> str | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return isoformat_z(moment)


def movement_json(data: dict[str, Any]) -> dict[str, Any]:
    """A movement's answer (as payments_execute returned and the idempotency key stored
    it) in the one transaction representation, the same as GET /transactions/{id}."""
    return transaction_json(transaction_from_data(data))


def transaction_json(t: Transaction) -> dict[str, Any]:
    return {
        "id": str(t.id),
        "type": t.type,
        "status": t.status,
        "amount": money_text(t.amount, t.currency),
        "fee": money_text(t.fee, t.currency),
        "currency": t.currency,
        "source_wallet_id": str(t.source_account_id),
        "destination_wallet_id": str(t.destination_account_id),
        "description": t.description,
        "external_reference": t.external_reference,
        "initiated_by": str(t.initiated_by),
        "expires_at": _time(t.expires_at),
        "created_at": _time(t.created_at),
        "completed_at": _time(t.completed_at),
        "decided_by": None if t.decided_by is None else str(t.decided_by),
        "decided_at": _time(t.decided_at),
        "decision_reason": t.decision_reason,
        "reversed_amount": money_text(t.reversed_amount, t.currency),
        "reversal_of": None if t.reversal_of is None else str(t.reversal_of),
    }


def movement_response(result: MovementResult) -> Response:
    """The first answer, or its replay: the same body, byte for byte, and status."""
    data = movement_json(result.data)
    response = envelope.success(
        data, status=result.status_code, timestamp=datetime.fromisoformat(result.data["created_at"])
    )
    if result.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def _book(book: Callable[..., MovementResult], path: s.WalletPath, body: s.DepositBody) -> Response:
    result = book(
        current_caller().user_id,
        key=request.headers.get(IDEMPOTENCY_HEADER),
        body=body.model_dump(mode="json"),
        wallet_id=path.wallet_id,
        amount=Money.of(body.amount, body.currency),
        external_reference=body.external_reference,
    )
    return movement_response(result)


def csv_safe(value: str) -> str:
    """Spreadsheet formula injection (OWASP): a cell starting with = + - @ is quoted as text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def chain_json(report: ChainReport) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "accounts_checked": report.accounts_checked,
        "postings_checked": report.postings_checked,
        "first_broken": report.first_broken,
    }


def blueprint(payments: Payments) -> APIBlueprint:
    """The routes, closing over the services they call (built by the context's wiring)."""
    api = context_blueprint(
        "payments",
        "wallets and accounts, the double-entry ledger, transfers, holds, reversals, "
        "vehicles (VIN registry), invoices and receipts, reconciliation, settlement",
    )
    _movement_routes(api, payments)
    _statement_and_approval_routes(api, payments)
    _ledger_routes(api, payments)
    return api


def _movement_routes(api: APIBlueprint, payments: Payments) -> None:
    # -- wallets ------------------------------------------------------------------------------
    @api.get("/wallets", security=BEARER)
    @authenticated
    def list_wallets() -> Response:
        found = payments.wallets(current_caller().user_id)
        return envelope.success([wallet_json(w) for w in found], meta={"total": len(found)})

    @api.get("/wallets/<uuid:wallet_id>", security=BEARER)
    @authenticated
    def get_wallet(path: s.WalletPath) -> Response:
        return envelope.success(wallet_json(payments.wallet(current_caller().user_id, path.wallet_id)))

    # -- movements ----------------------------------------------------------------------------
    @api.post("/transfers", security=BEARER)
    @require_permission("payment:create")
    def create_transfer(body: s.TransferBody) -> Response:
        result = payments.transfer(
            current_caller().user_id,
            key=request.headers.get(IDEMPOTENCY_HEADER),
            body=body.model_dump(mode="json"),
            source=body.source_wallet_id,
            destination=body.destination_wallet_id,
            destination_address=body.destination_wallet_address,
            amount=Money.of(body.amount, body.currency),
            description=body.description,
        )
        return movement_response(result)

    @api.post("/wallets/<uuid:wallet_id>/deposits", security=BEARER)
    @require_permission("payment:create", "payment:deposit")
    def create_deposit(path: s.WalletPath, body: s.DepositBody) -> Response:
        return _book(payments.deposit, path, body)

    @api.post("/wallets/<uuid:wallet_id>/withdrawals", security=BEARER)
    @require_permission("payment:create", "payment:deposit")
    def create_withdrawal(path: s.WalletPath, body: s.DepositBody) -> Response:
        return _book(payments.withdraw, path, body)

    @api.post("/transactions/<uuid:transaction_id>/reversals", security=BEARER)
    @require_permission("payment:approve")
    def create_reversal(path: s.TransactionPath, body: s.ReversalBody) -> Response:
        result = payments.reverse(
            current_caller().user_id,
            key=request.headers.get(IDEMPOTENCY_HEADER),
            body=body.model_dump(mode="json"),
            transaction_id=path.transaction_id,
            amount=None if body.amount is None else Money.of(body.amount),
            reason=body.reason,
        )
        return movement_response(result)


def _statement_and_approval_routes(api: APIBlueprint, payments: Payments) -> None:
    @api.get("/wallets/<uuid:wallet_id>/statement", security=BEARER)
    @authenticated
    def wallet_statement(path: s.WalletPath, query: s.StatementQuery) -> Response:
        found = payments.statement(current_caller().user_id, path.wallet_id, query.start, query.end)
        currency = found.account.currency
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["date", "transaction_id", "type", "description", "amount", "balance"])
        writer.writerow(["", "", "opening_balance", "", "", money_text(found.opening, currency)])
        for line in found.lines:
            writer.writerow(
                [
                    isoformat_z(line.at),
                    str(line.transaction_id),
                    line.type,
                    csv_safe(line.description or ""),
                    money_text(line.amount, currency),
                    money_text(line.balance, currency),
                ]
            )
        writer.writerow(["", "", "closing_balance", "", "", money_text(found.closing, currency)])
        return file_response(
            out.getvalue().encode("utf-8"), mimetype="text/csv", filename=f"statement-{path.wallet_id}.csv"
        )

    @api.post("/transactions/<uuid:transaction_id>/approve", security=BEARER)
    @require_permission("payment:approve")
    def approve_transaction(path: s.TransactionPath, body: s.ApproveBody) -> Response:
        decided = payments.decide(
            current_caller().user_id, path.transaction_id, approve=True, reason=body.comment
        )
        return envelope.success(transaction_json(decided))

    @api.post("/transactions/<uuid:transaction_id>/reject", security=BEARER)
    @require_permission("payment:approve")
    def reject_transaction(path: s.TransactionPath, body: s.RejectBody) -> Response:
        decided = payments.decide(
            current_caller().user_id, path.transaction_id, approve=False, reason=body.reason
        )
        return envelope.success(transaction_json(decided))


def _ledger_routes(api: APIBlueprint, payments: Payments) -> None:
    # -- history ------------------------------------------------------------------------------
    @api.get("/transactions", security=BEARER)
    @authenticated
    def list_transactions(query: s.TransactionQuery) -> Response:
        after = decode_position(query.cursor)
        where = TransactionFilter(
            wallet_id=query.wallet_id,
            status=query.status,
            type=query.type,
            created_from=query.created_from,
            created_to=query.created_to,
            amount_min=None if query.amount_min is None else Decimal(query.amount_min),
            amount_max=None if query.amount_max is None else Decimal(query.amount_max),
        )
        found = payments.transactions(current_caller().user_id, where, after=after, limit=query.limit + 1)
        page, more = found[: query.limit], len(found) > query.limit
        next_cursor = encode_position(page[-1].created_at, page[-1].id) if more else None
        return envelope.success([transaction_json(t) for t in page], meta={"next_cursor": next_cursor})

    @api.get("/transactions/<uuid:transaction_id>", security=BEARER)
    @authenticated
    def get_transaction(path: s.TransactionPath) -> Response:
        return envelope.success(
            transaction_json(payments.transaction(current_caller().user_id, path.transaction_id))
        )

    # -- integrity ----------------------------------------------------------------------------
    @api.get("/ledger/trial-balance", security=BEARER)
    @authenticated
    def trial_balance() -> Response:
        report = payments.trial_balance(current_caller().user_id)
        return envelope.success(
            {
                "balanced": report.balanced,
                "totals": {
                    currency: money_text(total, currency) for currency, total in report.totals.items()
                },
                "mismatched_accounts": report.mismatched_accounts,
            }
        )

    @api.get("/ledger/verify", security=BEARER)
    @authenticated
    def verify_ledger() -> Response:
        return envelope.success(chain_json(payments.verify(current_caller().user_id)))

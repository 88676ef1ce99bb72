"""HTTP routes of the payments context, mounted under /api/v1 by the app factory."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask import Response, request
from flask_openapi3 import APIBlueprint

from elcorp.payments.application.movement_requests import IdempotencyKeyRequired, transaction_from_data
from elcorp.payments.application.payments import MovementResult, Payments
from elcorp.payments.application.ports import (
    Account,
    ChainReport,
    Statement,
    Transaction,
    TransactionFilter,
    TransactionView,
)
from elcorp.payments.domain.ledger import (
    OwnWalletMovement,
    ReversalExceedsOriginal,
    SegregationOfDuties,
    money_text,
)
from elcorp.payments.domain.movement import (
    AccountNotActive,
    CurrencyMismatch,
    DuplicateExternalReference,
    IdempotencyKeyInProgress,
    IdempotencyKeyReused,
    InsufficientFunds,
    LedgerAccountNotFound,
    NotReversible,
    SameAccount,
)
from elcorp.payments.interfaces import schemas as s
from elcorp.shared.application.pagination import decode_position, encode_position
from elcorp.shared.domain.clock import isoformat_z
from elcorp.shared.domain.errors import Conflict, InvalidMoney, ValidationFailed
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
from elcorp.shared.interfaces.openapi import created, download, listed, ok
from elcorp.shared.interfaces.pagination import bounded_response, cursor_response

IDEMPOTENCY_HEADER = "Idempotency-Key"
for _path in (
    "/transfers",
    "/wallets/{wallet_id}/deposits",
    "/wallets/{wallet_id}/withdrawals",
    "/wallets/{wallet_id}/top-ups",
    "/transactions/{transaction_id}/reversals",
):
    document_header("post", API_V1 + _path, IDEMPOTENCY_KEY_PARAMETER)

# What every money movement may be refused with (beyond the automatic errors).
MOVEMENT_ERRORS = (IdempotencyKeyRequired, IdempotencyKeyReused, IdempotencyKeyInProgress, InvalidMoney)
BOOKING_ERRORS = (
    *MOVEMENT_ERRORS,
    CurrencyMismatch,
    AccountNotActive,
    OwnWalletMovement,
    DuplicateExternalReference,
    ValidationFailed,
)

WALLET_EXAMPLE = {
    "id": "0b9d1f2e-3c4a-4e5f-8a6b-7c8d9e0f1a2b",
    "currency": "NAD",
    "balance": "1250.00",
    "available_balance": "1000.00",
    "held": "250.00",
    "status": "active",
    "address": "9a7b6c5d-4e3f-4a1b-8c2d-1e0f9a8b7c6d",
    "created_at": "2026-11-02T09:14:03.512Z",
}
TRANSACTION_EXAMPLE = {
    "id": "3f2c1b0a-9e8d-4c7b-a6f5-e4d3c2b1a098",
    "type": "transfer",
    "status": "completed",
    "amount": "250.00",
    "fee": "0.00",
    "currency": "NAD",
    "source_wallet_id": "0b9d1f2e-3c4a-4e5f-8a6b-7c8d9e0f1a2b",
    "destination_wallet_id": "7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918",
    "description": "Rent, November",
    "external_reference": None,
    "initiated_by": "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f",
    "expires_at": None,
    "created_at": "2026-11-23T08:33:51.620Z",
    "completed_at": "2026-11-23T08:33:51.620Z",
    "decided_by": None,
    "decided_at": None,
    "decision_reason": None,
    "reversed_amount": "0.00",
    "reversal_of": None,
    "direction": "out",
    "counterparty": {
        "wallet_id": "7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918",
        "kind": "wallet",
        "address": "5f0c8a2e-9b7d-4c3e-a1f2-6d5e4c3b2a19",
    },
    "signed_amount": "-250.00",
}
TOP_UP_EXAMPLE = {
    **TRANSACTION_EXAMPLE,
    "type": "deposit",
    "status": "pending_approval",
    "amount": "500.00",
    "source_wallet_id": "1c2d3e4f-5a6b-4c7d-8e9f-a0b1c2d3e4f5",
    "destination_wallet_id": "0b9d1f2e-3c4a-4e5f-8a6b-7c8d9e0f1a2b",
    "description": "Top-up awaiting payment",
    "external_reference": "EFT-7Q4K2M9X",
    "expires_at": "2026-11-30T08:33:51.620Z",
    "completed_at": None,
    "direction": "in",
    "counterparty": {
        "wallet_id": "1c2d3e4f-5a6b-4c7d-8e9f-a0b1c2d3e4f5",
        "kind": "clearing",
        "address": None,
    },
    "signed_amount": "500.00",
}

WITHDRAWAL_EXAMPLE = {
    **TOP_UP_EXAMPLE,
    "type": "withdrawal",
    "status": "completed",
    "amount": "200.00",
    "source_wallet_id": "0b9d1f2e-3c4a-4e5f-8a6b-7c8d9e0f1a2b",
    "destination_wallet_id": "1c2d3e4f-5a6b-4c7d-8e9f-a0b1c2d3e4f5",
    "description": None,
    "external_reference": "PAYOUT-20261123-0007",
    "initiated_by": "d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70",
    "expires_at": None,
    "completed_at": "2026-11-23T08:33:51.620Z",
    "direction": None,
    "counterparty": None,
    "signed_amount": None,
}
REVERSAL_EXAMPLE = {
    **TRANSACTION_EXAMPLE,
    "id": "8c7b6a59-4e3d-4c2b-9a18-f7e6d5c4b3a2",
    "type": "reversal",
    "amount": "100.00",
    "source_wallet_id": TRANSACTION_EXAMPLE["destination_wallet_id"],
    "destination_wallet_id": TRANSACTION_EXAMPLE["source_wallet_id"],
    "description": "Paid to the wrong account",
    "initiated_by": "d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70",
    "reversal_of": TRANSACTION_EXAMPLE["id"],
    "direction": None,
    "counterparty": None,
    "signed_amount": None,
}


def wallet_json(wallet: Account) -> dict[str, Any]:
    """The one shape of a wallet (`schemas.Wallet`)."""
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
    it) as a transaction record (`schemas.TransactionRecord`), for resources that embed it."""
    return record_json(transaction_from_data(data))


def record_json(t: Transaction) -> dict[str, Any]:
    """A transaction's own fields (`schemas.TransactionRecord`)."""
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


def transaction_json(view: TransactionView) -> dict[str, Any]:
    """The one transaction shape of the payments routes (`schemas.Transaction`)."""
    t, other = view.transaction, view.counterparty
    return {
        **record_json(t),
        "direction": view.direction,
        "counterparty": None
        if other is None
        else {
            "wallet_id": str(other.id),
            "kind": other.kind,
            "address": None if other.address is None else str(other.address),
        },
        "signed_amount": None if view.signed_amount is None else money_text(view.signed_amount, t.currency),
    }


def movement_response(payments: Payments, result: MovementResult) -> Response:
    """201 with the transaction and its URL; a replay answers the same body, byte for byte,
    the same status and headers (and `Idempotent-Replayed: true`)."""
    made = transaction_from_data(result.data)
    (view,) = payments.views(current_caller().user_id, [made])
    response = envelope.success(
        transaction_json(view),
        status=result.status_code,
        timestamp=datetime.fromisoformat(result.data["created_at"]),
    )
    response.headers["Location"] = f"{API_V1}/transactions/{made.id}"
    if result.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def _book(
    payments: Payments,
    book: Callable[..., MovementResult],
    wallet_id: uuid.UUID,
    body: s.DepositBody | s.TopUpBody,
) -> Response:
    result = book(
        current_caller().user_id,
        key=request.headers.get(IDEMPOTENCY_HEADER),
        body=body.model_dump(mode="json"),
        wallet_id=wallet_id,
        amount=Money.of(body.amount, body.currency),
        external_reference=body.external_reference,
    )
    return movement_response(payments, result)


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


STATEMENT_COLUMNS = (
    "date",
    "transaction_id",
    "type",
    "description",
    "amount",
    "balance",
    "direction",
    "counterparty_wallet_id",
    "counterparty_address",
)


def statement_csv(found: Statement) -> bytes:
    """One row per posting (amount signed: + in, - out), between the opening and closing
    balance rows; `direction` and the counterparty are relative to the wallet's owner."""
    currency = found.account.currency
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(STATEMENT_COLUMNS)
    blank = [""] * (len(STATEMENT_COLUMNS) - 6)
    writer.writerow(["", "", "opening_balance", "", "", money_text(found.opening, currency), *blank])
    for line in found.lines:
        other = line.counterparty
        writer.writerow(
            [
                isoformat_z(line.at),
                str(line.transaction_id),
                line.type,
                csv_safe(line.description or ""),
                money_text(line.amount, currency),
                money_text(line.balance, currency),
                line.direction or "",
                "" if other is None else str(other.id),
                "" if other is None or other.address is None else str(other.address),
            ]
        )
    writer.writerow(["", "", "closing_balance", "", "", money_text(found.closing, currency), *blank])
    return out.getvalue().encode("utf-8")


def blueprint(payments: Payments) -> APIBlueprint:
    """The routes, closing over the services they call (built by the context's wiring)."""
    api = context_blueprint(
        "payments",
        "wallets and accounts, the double-entry ledger, transfers, top-ups, holds, reversals, "
        "approvals, statements, vehicles (VIN registry), invoices and receipts",
    )
    _wallet_routes(api, payments)
    _movement_routes(api, payments)
    _booking_routes(api, payments)
    _statement_and_approval_routes(api, payments)
    _ledger_routes(api, payments)
    _integrity_routes(api, payments)
    return api


def _wallet_routes(api: APIBlueprint, payments: Payments) -> None:
    @api.get("/wallets", security=BEARER, responses=listed(s.Wallet))
    @authenticated
    def list_wallets(query: s.WalletListQuery) -> Response:
        """List the caller's wallets, or a user's wallets for staff.

        Any signed-in user: their own wallets, one per currency. Staff (who may read any wallet)
        may name `owner_id` to list that user's; for anyone else another owner's list is empty.
        A small bounded set: one page (`meta.has_more` false, `next_cursor` null) whatever
        `limit` asks.
        """
        wallets = payments.wallets(current_caller().user_id, query.owner_id)
        return bounded_response([wallet_json(w) for w in wallets])

    @api.get("/wallets/<uuid:wallet_id>", security=BEARER, responses=ok(s.Wallet, example=WALLET_EXAMPLE))
    @authenticated
    def get_wallet(path: s.WalletPath) -> Response:
        """Read a wallet's balances.

        Its owner, or staff; anyone else gets 404.
        """
        return envelope.success(wallet_json(payments.wallet(current_caller().user_id, path.wallet_id)))


def _movement_routes(api: APIBlueprint, payments: Payments) -> None:
    @api.post(
        "/transfers",
        security=BEARER,
        responses=created(
            s.Transaction,
            *MOVEMENT_ERRORS,
            InsufficientFunds,
            CurrencyMismatch,
            AccountNotActive,
            SameAccount,
            LedgerAccountNotFound,
            example=TRANSACTION_EXAMPLE,
        ),
    )
    @require_permission("payment:create")
    def create_transfer(body: s.PaymentTransferBody) -> Response:
        """Transfer money from one of the caller's wallets to another wallet.

        Customers (payment:create). Idempotency-Key required. Above the approval threshold the
        transfer waits as `pending_approval` (the amount and fee held) for a second person.
        """
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
        return movement_response(payments, result)

    _reversal_route(api, payments)


def _booking_routes(api: APIBlueprint, payments: Payments) -> None:
    @api.post(
        "/wallets/<uuid:wallet_id>/deposits",
        security=BEARER,
        responses=created(s.Transaction, *BOOKING_ERRORS, example={**TOP_UP_EXAMPLE, "status": "completed"}),
    )
    @require_permission("payment:create", "payment:deposit")
    def create_deposit(path: s.WalletPath, body: s.DepositBody) -> Response:
        """Book money that arrived at the bank into a customer's wallet.

        Staff (payment:create + payment:deposit), never on their own wallet; one booking per
        bank reference. Idempotency-Key required. Large or beyond the daily limit: pending approval.
        """
        return _book(payments, payments.deposit, path.wallet_id, body)

    @api.post(
        "/wallets/<uuid:wallet_id>/withdrawals",
        security=BEARER,
        responses=created(s.Transaction, *BOOKING_ERRORS, InsufficientFunds, example=WITHDRAWAL_EXAMPLE),
    )
    @require_permission("payment:create", "payment:deposit")
    def create_withdrawal(path: s.WalletPath, body: s.DepositBody) -> Response:
        """Book money paid out of a customer's wallet to the bank.

        Staff (payment:create + payment:deposit), never on their own wallet. Idempotency-Key
        required. Large or beyond the daily limit: pending approval with the amount held.
        """
        return _book(payments, payments.withdraw, path.wallet_id, body)

    @api.post(
        "/wallets/<uuid:wallet_id>/top-ups",
        security=BEARER,
        responses=created(s.Transaction, *BOOKING_ERRORS, example=TOP_UP_EXAMPLE),
    )
    @require_permission("payment:create")
    def create_top_up(path: s.WalletPath, body: s.TopUpBody) -> Response:
        """Announce a payment into the caller's own wallet: a pending top-up.

        The wallet's owner (payment:create). Idempotency-Key required. The deposit waits as
        `pending_approval` (the balance does not change) until staff approve it
        (POST /transactions/{id}/approve) or a reconciliation run matches its reference.
        """
        return _book(payments, payments.top_up, path.wallet_id, body)


def _reversal_route(api: APIBlueprint, payments: Payments) -> None:
    @api.post(
        "/transactions/<uuid:transaction_id>/reversals",
        security=BEARER,
        responses=created(
            s.Transaction,
            *MOVEMENT_ERRORS,
            InsufficientFunds,
            ReversalExceedsOriginal,
            NotReversible,
            OwnWalletMovement,
            AccountNotActive,
            example=REVERSAL_EXAMPLE,
        ),
    )
    @require_permission("payment:approve")
    def create_reversal(path: s.TransactionPath, body: s.ReversalBody) -> Response:
        """Reverse all or part of a completed transaction.

        Staff (payment:approve), never on their own wallet. Idempotency-Key required. Never
        more than the original moved; large reversals wait for a second person.
        """
        result = payments.reverse(
            current_caller().user_id,
            key=request.headers.get(IDEMPOTENCY_HEADER),
            body=body.model_dump(mode="json"),
            transaction_id=path.transaction_id,
            amount=None if body.amount is None else Money.of(body.amount),
            reason=body.reason,
        )
        return movement_response(payments, result)


def _statement_and_approval_routes(api: APIBlueprint, payments: Payments) -> None:
    @api.get(
        "/wallets/<uuid:wallet_id>/statement",
        security=BEARER,
        responses=download(("text/csv", "application/pdf")),
    )
    @authenticated
    def get_wallet_statement(path: s.WalletPath, query: s.StatementQuery) -> Response:
        """Download a wallet's statement as CSV or PDF.

        Its owner, or staff. `format=csv` (default) or `format=pdf`; `from`/`to` bound the
        postings. Opening balance, one line per posting with the balance after it, closing balance.
        """
        caller = current_caller().user_id
        name = f"statement-{path.wallet_id}"
        if query.format == "pdf":
            pdf = payments.statement_pdf(caller, path.wallet_id, query.start, query.end)
            return file_response(pdf, mimetype="application/pdf", filename=f"{name}.pdf")
        found = payments.statement(caller, path.wallet_id, query.start, query.end)
        return file_response(statement_csv(found), mimetype="text/csv", filename=f"{name}.csv")

    @api.post(
        "/transactions/<uuid:transaction_id>/approve",
        security=BEARER,
        responses=ok(s.Transaction, SegregationOfDuties, OwnWalletMovement, Conflict, InsufficientFunds),
    )
    @require_permission("payment:approve")
    def approve_transaction(path: s.TransactionPath, body: s.TransactionApproveBody) -> Response:
        """Approve a movement waiting for a second person: it is posted.

        Staff (payment:approve), never its initiator nor the owner of a wallet it moves money on.
        Completes a customer's top-up. The body may be empty.
        """
        caller = current_caller().user_id
        decided = payments.decide(caller, path.transaction_id, approve=True, reason=body.comment)
        return envelope.success(transaction_json(payments.views(caller, [decided])[0]))

    @api.post(
        "/transactions/<uuid:transaction_id>/reject",
        security=BEARER,
        responses=ok(s.Transaction, SegregationOfDuties, OwnWalletMovement, Conflict),
    )
    @require_permission("payment:approve")
    def reject_transaction(path: s.TransactionPath, body: s.TransactionRejectBody) -> Response:
        """Reject a movement waiting for a second person: its hold is released.

        Staff (payment:approve), never its initiator nor the owner of a wallet it moves money on.
        """
        caller = current_caller().user_id
        decided = payments.decide(caller, path.transaction_id, approve=False, reason=body.reason)
        return envelope.success(transaction_json(payments.views(caller, [decided])[0]))


def _ledger_routes(api: APIBlueprint, payments: Payments) -> None:
    @api.get("/transactions", security=BEARER, responses=listed(s.Transaction))
    @authenticated
    def list_transactions(query: s.TransactionListQuery) -> Response:
        """List transactions, newest first, with their direction and signed amount.

        Customers see those of their own wallets; staff see all. Cursor-paginated (`cursor`,
        `limit` 1-100, default 20); `page` is not supported on this stream (follow the cursor).
        """
        if query.page not in (None, 1):
            raise ValidationFailed(
                details=[{"field": "page", "message": "this list pages by cursor: pass meta.next_cursor"}]
            )
        limit = query.page_size
        where = TransactionFilter(
            wallet_id=query.wallet_id,
            status=query.status,
            type=query.type,
            created_from=query.created_from,
            created_to=query.created_to,
            amount_min=None if query.amount_min is None else Decimal(query.amount_min),
            amount_max=None if query.amount_max is None else Decimal(query.amount_max),
        )
        found = payments.transactions(
            current_caller().user_id, where, after=decode_position(query.cursor), limit=limit + 1
        )
        page, more = found[:limit], len(found) > limit
        last = page[-1].transaction if page else None
        next_cursor = encode_position(last.created_at, last.id) if more and last is not None else None
        return cursor_response([transaction_json(v) for v in page], next_cursor=next_cursor, limit=limit)

    @api.get(
        "/transactions/<uuid:transaction_id>",
        security=BEARER,
        responses=ok(s.Transaction, example=TRANSACTION_EXAMPLE),
    )
    @authenticated
    def get_transaction(path: s.TransactionPath) -> Response:
        """Read a transaction, in the same shape as it was created and listed.

        A party to it (either wallet is theirs, or they initiated it), or staff; anyone else gets 404.
        """
        return envelope.success(
            transaction_json(payments.transaction(current_caller().user_id, path.transaction_id))
        )


def _integrity_routes(api: APIBlueprint, payments: Payments) -> None:
    @api.get("/ledger/trial-balance", security=BEARER, responses=ok(s.TrialBalanceReport))
    @authenticated
    def get_trial_balance() -> Response:
        """Check that the books balance: postings per currency sum to zero.

        Staff who may see every wallet (payment:approve or payment:create with scope all).
        """
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

    @api.get("/ledger/verify", security=BEARER, responses=ok(s.LedgerVerification))
    @authenticated
    def verify_ledger() -> Response:
        """Verify every account's posting hash chain.

        Staff who may see every wallet (payment:approve or payment:create with scope all).
        """
        return envelope.success(chain_json(payments.verify(current_caller().user_id)))

"""HTTP routes of the payments context: daily settlement batches and their CSV export."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Response
from flask_openapi3 import APIBlueprint, Tag

from elcorp.payments.application.settlement import (
    BatchExport,
    Settlement,
    SettlementBatch,
    SettlementFilter,
    UnknownSettlementCurrency,
    totals_json,
)
from elcorp.payments.domain.ledger import money_text
from elcorp.payments.domain.settlement import BusinessDayNotOver
from elcorp.payments.interfaces import reconciliation_schemas as s
from elcorp.payments.interfaces.http import csv_safe
from elcorp.shared.domain.clock import isoformat_z
from elcorp.shared.domain.errors import ValidationFailed
from elcorp.shared.interfaces import envelope
from elcorp.shared.interfaces.api import API_V1, BEARER
from elcorp.shared.interfaces.auth import current_caller, require_permission
from elcorp.shared.interfaces.downloads import file_response
from elcorp.shared.interfaces.openapi import created, download, listed, ok, operation_id
from elcorp.shared.interfaces.pagination import page_response

SETTLE = "payment:reconcile"
EXPORT_COLUMNS = ("transaction_id", "type", "amount", "currency", "completed_at", "reference", "count")


def batch_json(batch: SettlementBatch) -> dict[str, Any]:
    return {
        "id": str(batch.id),
        "business_date": batch.business_date.isoformat(),
        "currency": batch.currency,
        "status": batch.status,
        "count": batch.totals.count,
        **totals_json(batch.totals, batch.currency),
        "created_at": isoformat_z(batch.created_at),
        "closed_at": None if batch.closed_at is None else isoformat_z(batch.closed_at),
        "closed_by": None if batch.closed_by is None else str(batch.closed_by),
    }


def export_csv(export: BatchExport) -> bytes:
    """One row per settled transaction, oldest first, then the totals (their `count` filled)."""
    batch, currency = export.batch, export.batch.currency
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for item in export.items:
        writer.writerow(
            [
                str(item.transaction_id),
                item.type,
                money_text(item.amount, currency),
                currency,
                isoformat_z(item.completed_at),
                csv_safe(item.reference or ""),
                "",
            ]
        )
    totals = batch.totals
    for name, amount, count in (
        ("deposits_total", totals.deposits_total, totals.deposits_count),
        ("withdrawals_total", totals.withdrawals_total, totals.withdrawals_count),
        ("net", totals.net, totals.count),
    ):
        writer.writerow(["", name, money_text(amount, currency), currency, "", "", str(count)])
    return out.getvalue().encode("utf-8")


def blueprint(settlement: Settlement) -> APIBlueprint:
    """The routes, closing over the services they call (built by the context's wiring)."""
    api = APIBlueprint(
        "settlement",
        __name__,
        url_prefix=API_V1,
        abp_tags=[Tag(name="settlement", description="daily settlement batches per currency, CSV export")],
        operation_id_callback=operation_id,
    )
    _batch_routes(api, settlement)
    return api


CLOSE_ERRORS = (BusinessDayNotOver, UnknownSettlementCurrency, ValidationFailed)


def _batch_routes(api: APIBlueprint, settlement: Settlement) -> None:
    @api.post(
        "/settlement/batches/close",
        security=BEARER,
        responses={**ok(s.SettlementBatch), **created(s.SettlementBatch, *CLOSE_ERRORS)},
    )
    @require_permission(SETTLE)
    def close_settlement_batch(body: s.SettlementCloseBody) -> Response:
        """Close a business day's settlement batch in one currency.

        Staff with payment:reconcile. 201 with Location when this call closed it; 200 with the
        same batch when it was already closed (idempotent). The body may be empty (yesterday, NAD).
        """
        closing = settlement.close(current_caller().user_id, body.date, body.currency)
        data = batch_json(closing.batch)
        if closing.closed_now:
            return envelope.created(data, location=f"{API_V1}/settlement/batches/{closing.batch.id}")
        return envelope.success(data)

    @api.get("/settlement/batches", security=BEARER, responses=listed(s.SettlementBatch))
    @require_permission(SETTLE)
    def list_settlement_batches(query: s.SettlementBatchListQuery) -> Response:
        """List settlement batches, newest business day first.

        Staff with payment:reconcile. Filters `currency`, `status`, `from`/`to` (dates).
        Cursor-paginated (`cursor`, `limit`; `page`/`per_page` aliases).
        """
        where = SettlementFilter(query.currency, query.status, query.date_from, query.date_to)
        page = settlement.batches(current_caller().user_id, where, query.page_request())
        return page_response([batch_json(b) for b in page.items], page)

    @api.get("/settlement/batches/<uuid:batch_id>", security=BEARER, responses=ok(s.SettlementBatch))
    @require_permission(SETTLE)
    def get_settlement_batch(path: s.BatchPath) -> Response:
        """Read a settlement batch with its totals.

        Staff with payment:reconcile.
        """
        return envelope.success(batch_json(settlement.batch(current_caller().user_id, path.batch_id)))

    @api.get(
        "/settlement/batches/<uuid:batch_id>/export",
        security=BEARER,
        responses=download(("text/csv",)),
    )
    @require_permission(SETTLE)
    def export_settlement_batch(path: s.BatchPath) -> Response:
        """Download a settlement batch as CSV: one row per movement, then the totals.

        Staff with payment:reconcile.
        """
        export = settlement.export(current_caller().user_id, path.batch_id)
        name = f"settlement-{export.batch.currency}-{export.batch.business_date.isoformat()}.csv"
        return file_response(export_csv(export), mimetype="text/csv", filename=name)

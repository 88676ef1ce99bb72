"""HTTP routes of the payments context: bank reconciliation runs."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_openapi3 import APIBlueprint, Tag

from elcorp.payments.application.reconciliation import (
    ReconciliationRun,
    Reconciliations,
    StatementFile,
    StatementFileEncoding,
    StatementFileMissing,
    StatementFileTooLarge,
    StatementFileType,
    StatementPeriodTooLong,
)
from elcorp.payments.domain.ledger import money_text
from elcorp.payments.domain.reconciliation import LedgerMovement, StatementLine, StatementMalformed
from elcorp.payments.interfaces import reconciliation_schemas as s
from elcorp.shared.domain.clock import isoformat_z
from elcorp.shared.interfaces import envelope
from elcorp.shared.interfaces.api import API_V1, BEARER
from elcorp.shared.interfaces.auth import current_caller, require_permission
from elcorp.shared.interfaces.openapi import created, listed, ok, operation_id
from elcorp.shared.interfaces.pagination import page_response

RECONCILE = "payment:reconcile"


def line_json(line: StatementLine) -> dict[str, Any]:
    return {
        "line": line.line,
        "date": line.on.isoformat(),
        "reference": line.reference,
        "amount": money_text(line.amount, line.currency),
        "currency": line.currency,
    }


def movement_json(movement: LedgerMovement) -> dict[str, Any]:
    """A ledger movement as the bank sees it: deposits +, withdrawals -."""
    return {
        "transaction_id": str(movement.transaction_id),
        "type": "deposit" if movement.amount > 0 else "withdrawal",
        "date": movement.on.isoformat(),
        "reference": movement.reference,
        "amount": money_text(movement.amount, movement.currency),
        "currency": movement.currency,
    }


def run_json(run: ReconciliationRun) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(run.id),
        "status": run.status,
        "statement_from": run.statement_from.isoformat(),
        "statement_to": run.statement_to.isoformat(),
        "file_name": run.file_name,
        "file_sha256": run.file_sha256,
        "statement_lines": run.statement_lines,
        "counts": {
            "matched": run.matched_count,
            "unmatched_in_bank": run.unmatched_in_bank_count,
            "unmatched_in_ledger": run.unmatched_in_ledger_count,
        },
        "created_by": str(run.created_by),
        "created_at": isoformat_z(run.created_at),
    }
    if run.result is not None:
        data["matched"] = [
            {
                **line_json(line),
                "transaction_id": str(movement.transaction_id),
                "type": "deposit" if movement.amount > 0 else "withdrawal",
                "ledger_date": movement.on.isoformat(),
            }
            for line, movement in run.result.matched
        ]
        data["unmatched_in_bank"] = [line_json(line) for line in run.result.unmatched_in_bank]
        data["unmatched_in_ledger"] = [movement_json(m) for m in run.result.unmatched_in_ledger]
    return data


def blueprint(reconciliations: Reconciliations) -> APIBlueprint:
    """The routes, closing over the services they call (built by the context's wiring)."""
    api = APIBlueprint(
        "reconciliation",
        __name__,
        url_prefix=API_V1,
        abp_tags=[Tag(name="reconciliation", description="bank reconciliation runs")],
        operation_id_callback=operation_id,
    )
    _run_routes(api, reconciliations)
    return api


RUN_ERRORS = (
    StatementMalformed,
    StatementFileMissing,
    StatementFileType,
    StatementFileEncoding,
    StatementFileTooLarge,
    StatementPeriodTooLong,
)


def _run_routes(api: APIBlueprint, reconciliations: Reconciliations) -> None:
    @api.post("/reconciliation/runs", security=BEARER, responses=created(s.ReconciliationRun, *RUN_ERRORS))
    @require_permission(RECONCILE)
    def create_reconciliation_run(form: s.StatementForm) -> Response:
        """Reconcile a bank statement (CSV) against the ledger's deposits and withdrawals.

        Staff with payment:reconcile. Multipart field `file`, header `date, reference, amount,
        currency`. Pending top-ups whose reference, amount and currency a line shows paid are
        completed first. A malformed file is refused whole (422 REC_001, `details` by line).
        """
        upload = form.file
        statement = (
            None
            if upload is None
            else StatementFile(upload.stream.read(), upload.filename, upload.mimetype or upload.content_type)
        )
        run = reconciliations.run(current_caller().user_id, statement)
        return envelope.created(run_json(run), location=f"{API_V1}/reconciliation/runs/{run.id}")

    create_reconciliation_run.view.accepts_multipart = True  # type: ignore[attr-defined,unused-ignore]

    @api.get("/reconciliation/runs", security=BEARER, responses=listed(s.ReconciliationRun))
    @require_permission(RECONCILE)
    def list_reconciliation_runs(query: s.ReconciliationRunListQuery) -> Response:
        """List reconciliation runs, newest first, with their counts (not their lines).

        Staff with payment:reconcile. Cursor-paginated (`cursor`, `limit`; `page`/`per_page` aliases).
        """
        page = reconciliations.runs(current_caller().user_id, query.page_request())
        return page_response([run_json(r) for r in page.items], page)

    @api.get("/reconciliation/runs/<uuid:run_id>", security=BEARER, responses=ok(s.ReconciliationRun))
    @require_permission(RECONCILE)
    def get_reconciliation_run(path: s.RunPath) -> Response:
        """Read a reconciliation run with its matched and unmatched lines.

        Staff with payment:reconcile.
        """
        return envelope.success(run_json(reconciliations.get(current_caller().user_id, path.run_id)))

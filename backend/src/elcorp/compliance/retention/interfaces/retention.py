"""HTTP routes of the compliance context: retention policies, legal holds and purge evidence.

Staff only: privacy:read to read, privacy:manage to change (MFA like every staff call).
"""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_openapi3 import APIBlueprint, Tag

from elcorp.compliance.retention.application.legal_hold import LegalHolds
from elcorp.compliance.retention.application.retention import Retention
from elcorp.compliance.retention.domain.legal_hold import LegalHold
from elcorp.compliance.retention.domain.retention import PolicyDisposal, PurgeRun, RetentionPolicy
from elcorp.compliance.retention.interfaces import retention_schemas as s
from elcorp.shared.application.pagination import PageRequest
from elcorp.shared.domain.clock import isoformat_z
from elcorp.shared.interfaces import envelope
from elcorp.shared.interfaces.api import API_V1, BEARER
from elcorp.shared.interfaces.auth import current_caller, require_permission

READ, MANAGE = "privacy:read", "privacy:manage"


def policy_json(p: RetentionPolicy) -> dict[str, Any]:
    return {
        "category": p.category,
        "description": p.description,
        "period_days": p.period_days,
        "trigger": p.trigger.value,
        "disposal": p.disposal.value,
        "basis": p.basis,
        "legal_basis": p.legal_basis,
        "updated_at": None if p.updated_at is None else isoformat_z(p.updated_at),
        "updated_by": None if p.updated_by is None else str(p.updated_by),
    }


def hold_json(h: LegalHold) -> dict[str, Any]:
    return {
        "id": str(h.id),
        "level": "subject" if h.subject_id is not None else "record",
        "subject_id": None if h.subject_id is None else str(h.subject_id),
        "record_table": h.record_table,
        "record_id": h.record_id,
        "reason": h.reason,
        "placed_by": str(h.placed_by),
        "placed_at": isoformat_z(h.placed_at),
        "active": h.active,
        "released_at": None if h.released_at is None else isoformat_z(h.released_at),
        "released_by": None if h.released_by is None else str(h.released_by),
        "release_reason": h.release_reason,
    }


def run_json(r: PurgeRun) -> dict[str, Any]:
    return {
        "id": str(r.id),
        "dry_run": r.dry_run,
        "triggered_by": r.triggered_by,
        "started_at": isoformat_z(r.started_at),
        "finished_at": None if r.finished_at is None else isoformat_z(r.finished_at),
        "total": r.total,
        "items": [i.as_json() for i in r.items],
    }


def blueprint(retention: Retention, legal_holds: LegalHolds) -> APIBlueprint:
    """The routes, closing over the services they call (built by the context's wiring)."""
    api = APIBlueprint(
        "retention",
        __name__,
        url_prefix=API_V1,
        abp_tags=[Tag(name="retention", description="retention policies, legal holds and purge evidence")],
    )
    _policy_and_hold_routes(api, retention, legal_holds)
    _purge_routes(api, retention)
    return api


def _policy_and_hold_routes(api: APIBlueprint, retention: Retention, legal_holds: LegalHolds) -> None:
    # -- retention policies ---------------------------------------------------------------------
    @api.get("/privacy/retention-policies", security=BEARER)
    @require_permission(READ)
    def list_policies() -> Response:
        return envelope.success([policy_json(p) for p in retention.policies()])

    @api.put("/privacy/retention-policies/<category>", security=BEARER)
    @require_permission(MANAGE)
    def update_policy(path: s.PolicyPath, body: s.PolicyBody) -> Response:
        policy = retention.update_policy(
            current_caller().user_id,
            path.category,
            period_days=body.period_days,
            disposal=None if body.disposal is None else PolicyDisposal(body.disposal),
            description=body.description,
        )
        return envelope.success(policy_json(policy))

    # -- legal holds ------------------------------------------------------------------------------
    @api.post("/privacy/legal-holds", security=BEARER)
    @require_permission(MANAGE)
    def place_hold(body: s.HoldBody) -> Response:
        hold = legal_holds.place(
            current_caller().user_id,
            reason=body.reason,
            subject_id=body.subject_id,
            record_table=body.record_table,
            record_id=body.record_id,
        )
        return envelope.success(hold_json(hold), status=201)

    @api.get("/privacy/legal-holds", security=BEARER)
    @require_permission(READ)
    def list_holds(query: s.HoldQuery) -> Response:
        page = legal_holds.page(
            PageRequest(query.page, query.per_page), active=query.active, subject_id=query.subject_id
        )
        return envelope.success([hold_json(h) for h in page.items], meta=page.meta)

    @api.get("/privacy/legal-holds/<uuid:hold_id>", security=BEARER)
    @require_permission(READ)
    def get_hold(path: s.HoldPath) -> Response:
        return envelope.success(hold_json(legal_holds.get(path.hold_id)))

    @api.post("/privacy/legal-holds/<uuid:hold_id>/release", security=BEARER)
    @require_permission(MANAGE)
    def release_hold(path: s.HoldPath, body: s.ReleaseBody) -> Response:
        hold = legal_holds.release(current_caller().user_id, path.hold_id, reason=body.reason)
        return envelope.success(hold_json(hold))


def _purge_routes(api: APIBlueprint, retention: Retention) -> None:
    # -- purge runs -------------------------------------------------------------------------------
    @api.post("/privacy/purge-runs", security=BEARER)
    @require_permission(MANAGE)
    def start_purge(body: s.PurgeBody) -> Response:
        run = retention.purge(dry_run=body.dry_run, triggered_by=current_caller().user_id)
        return envelope.success(run_json(run), status=201)

    @api.get("/privacy/purge-runs", security=BEARER)
    @require_permission(READ)
    def list_runs(query: s.Paging) -> Response:
        page = retention.runs(PageRequest(query.page, query.per_page))
        return envelope.success([run_json(r) for r in page.items], meta=page.meta)

    @api.get("/privacy/purge-runs/<uuid:run_id>", security=BEARER)
    @require_permission(READ)
    def get_run(path: s.RunPath) -> Response:
        return envelope.success(run_json(retention.run(path.run_id)))

"""HTTP routes of the compliance context: retention policies, legal holds and purge evidence.

Staff only: privacy:read to read, privacy:manage to change (MFA like every staff call).
"""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_openapi3 import APIBlueprint, Tag

from elcorp.compliance.retention.application.legal_hold import LegalHolds
from elcorp.compliance.retention.application.retention import Retention
from elcorp.compliance.retention.domain.legal_hold import (
    LegalHold,
    LegalHoldAlreadyReleased,
    LegalHoldTargetInvalid,
)
from elcorp.compliance.retention.domain.retention import (
    PolicyDisposal,
    PurgeRun,
    RetentionBelowLegalMinimum,
    RetentionPolicy,
)
from elcorp.compliance.retention.interfaces import retention_schemas as s
from elcorp.shared.domain.clock import isoformat_z
from elcorp.shared.domain.errors import ErrorCode
from elcorp.shared.interfaces import envelope
from elcorp.shared.interfaces.api import API_V1, BEARER
from elcorp.shared.interfaces.auth import current_caller, require_permission
from elcorp.shared.interfaces.openapi import created, listed, ok
from elcorp.shared.interfaces.pagination import bounded_response, page_response

READ, MANAGE = "privacy:read", "privacy:manage"
POLICIES = "/privacy/retention-policies"
HOLDS = "/privacy/legal-holds"
RUNS = "/privacy/purge-runs"


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
    _policy_routes(api, retention)
    _hold_routes(api, legal_holds)
    _purge_routes(api, retention)
    return api


def _policy_routes(api: APIBlueprint, retention: Retention) -> None:
    # No parameters, so the document's automatic 422 does not apply: an unknown one is refused.
    @api.get(POLICIES, security=BEARER, responses=listed(s.RetentionPolicy, ErrorCode.VALIDATION_ERROR))
    @require_permission(READ)
    def list_retention_policies(query: s.RetentionPolicyListQuery) -> Response:
        """List the retention policies, one per data category.

        Staff with privacy:read. A small fixed set: one page, `has_more` false.
        """
        return bounded_response([policy_json(p) for p in retention.policies()])

    @api.put(
        POLICIES + "/<category>",
        security=BEARER,
        responses=ok(s.RetentionPolicy, RetentionBelowLegalMinimum),
    )
    @require_permission(MANAGE)
    def update_retention_policy(path: s.RetentionPolicyPath, body: s.RetentionPolicyBody) -> Response:
        """Change a data category's retention period, disposal or description.

        Staff with privacy:manage. A period below the legal minimum (FIA) is refused.
        """
        policy = retention.update_policy(
            current_caller().user_id,
            path.category,
            period_days=body.period_days,
            disposal=None if body.disposal is None else PolicyDisposal(body.disposal),
            description=body.description,
        )
        return envelope.success(policy_json(policy))


def _hold_routes(api: APIBlueprint, legal_holds: LegalHolds) -> None:
    @api.post(HOLDS, security=BEARER, responses=created(s.LegalHold, LegalHoldTargetInvalid))
    @require_permission(MANAGE)
    def create_legal_hold(body: s.LegalHoldBody) -> Response:
        """Place a legal hold on a data subject or on one record.

        Staff with privacy:manage. Held data survives purges and erasure until released.
        """
        hold = legal_holds.place(
            current_caller().user_id,
            reason=body.reason,
            subject_id=body.subject_id,
            record_table=body.record_table,
            record_id=body.record_id,
        )
        return envelope.created(hold_json(hold), location=f"{API_V1}{HOLDS}/{hold.id}")

    @api.get(HOLDS, security=BEARER, responses=listed(s.LegalHold))
    @require_permission(READ)
    def list_legal_holds(query: s.LegalHoldListQuery) -> Response:
        """List legal holds, filtered by active or subject.

        Staff with privacy:read. Cursor-paginated (`cursor`, `limit`; `page`/`per_page` aliases).
        """
        page = legal_holds.page(query.page_request(), active=query.active, subject_id=query.subject_id)
        return page_response([hold_json(h) for h in page.items], page)

    @api.get(HOLDS + "/<uuid:hold_id>", security=BEARER, responses=ok(s.LegalHold))
    @require_permission(READ)
    def get_legal_hold(path: s.LegalHoldPath) -> Response:
        """Read a legal hold.

        Staff with privacy:read.
        """
        return envelope.success(hold_json(legal_holds.get(path.hold_id)))

    @api.post(
        HOLDS + "/<uuid:hold_id>/release",
        security=BEARER,
        responses=ok(s.LegalHold, LegalHoldAlreadyReleased),
    )
    @require_permission(MANAGE)
    def release_legal_hold(path: s.LegalHoldPath, body: s.LegalHoldReleaseBody) -> Response:
        """Release a legal hold, with an optional reason.

        Staff with privacy:manage.
        """
        hold = legal_holds.release(current_caller().user_id, path.hold_id, reason=body.reason)
        return envelope.success(hold_json(hold))


def _purge_routes(api: APIBlueprint, retention: Retention) -> None:
    @api.post(RUNS, security=BEARER, responses=created(s.PurgeRun))
    @require_permission(MANAGE)
    def create_purge_run(body: s.PurgeRunBody) -> Response:
        """Run the retention purge now: a dry run (default) counts, otherwise it disposes.

        Staff with privacy:manage. The run's evidence is kept; Location is its URL.
        """
        run = retention.purge(dry_run=body.dry_run, triggered_by=current_caller().user_id)
        return envelope.created(run_json(run), location=f"{API_V1}{RUNS}/{run.id}")

    @api.get(RUNS, security=BEARER, responses=listed(s.PurgeRun))
    @require_permission(READ)
    def list_purge_runs(query: s.PurgeRunListQuery) -> Response:
        """List the purge runs, newest first.

        Staff with privacy:read. Cursor-paginated (`cursor`, `limit`; `page`/`per_page` aliases).
        """
        page = retention.runs(query.page_request())
        return page_response([run_json(r) for r in page.items], page)

    @api.get(RUNS + "/<uuid:run_id>", security=BEARER, responses=ok(s.PurgeRun))
    @require_permission(READ)
    def get_purge_run(path: s.PurgeRunPath) -> Response:
        """Read a purge run's evidence.

        Staff with privacy:read.
        """
        return envelope.success(run_json(retention.run(path.run_id)))

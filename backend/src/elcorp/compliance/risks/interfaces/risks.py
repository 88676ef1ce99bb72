"""HTTP routes of the compliance context: the risk register (POPIA s19).

`/risks` (list, identify), `/risks/{id}` (read, change), `/risks/{id}/reviews` (record a
review), and the controls the risks link to under `/risks/controls`. Reads need `risk:read`,
changes `risk:manage` (staff sessions with MFA, like every privileged call).
"""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_openapi3 import APIBlueprint, Tag

from elcorp.compliance.risks.application.risks import RiskDetail, RiskDraft, RiskRegister
from elcorp.compliance.risks.application.risks_ports import RiskQuery
from elcorp.compliance.risks.domain.risks import (
    Category,
    Control,
    ControlNameTaken,
    ControlStatus,
    ControlType,
    InvalidRating,
    InvalidRiskTransition,
    OwnerNotEligible,
    Rating,
    ResidualAboveInherent,
    Review,
    Risk,
    RiskStatus,
    Treatment,
    TreatmentIncomplete,
    UnknownControls,
    UnknownIncidents,
)
from elcorp.compliance.risks.interfaces import risks_schemas as s
from elcorp.shared.domain.clock import isoformat_z
from elcorp.shared.domain.errors import ValidationFailed
from elcorp.shared.interfaces import envelope
from elcorp.shared.interfaces.api import API_V1, BEARER
from elcorp.shared.interfaces.auth import current_caller, require_permission
from elcorp.shared.interfaces.openapi import created, listed, ok
from elcorp.shared.interfaces.pagination import page_response

RISKS = "/risks"
ONE = RISKS + "/<uuid:risk_id>"
CONTROLS = RISKS + "/controls"
CONTROL = CONTROLS + "/<uuid:control_id>"
READ, MANAGE = "risk:read", "risk:manage"


def _time(value: Any) -> str | None:
    return None if value is None else isoformat_z(value)


def _id(value: Any) -> str | None:
    return None if value is None else str(value)


def control_json(c: Control) -> dict[str, Any]:
    return {
        "id": str(c.id),
        "name": c.name,
        "description": c.description,
        "type": c.type.value,
        "status": c.status.value,
        "reference": c.reference,
        "created_at": _time(c.created_at),
        "updated_at": _time(c.updated_at),
    }


def review_json(r: Review) -> dict[str, Any]:
    return {
        "id": str(r.id),
        "reviewed_by": str(r.reviewed_by),
        "reviewed_at": _time(r.reviewed_at),
        "note": r.note,
        "before": r.before,
        "after": r.after,
        "review_date_before": r.review_date_before.isoformat(),
        "review_date_after": r.review_date_after.isoformat(),
    }


def risk_json(
    register: RiskRegister, r: Risk, controls: list[Control], reviews: list[Review]
) -> dict[str, Any]:
    """The one shape of a risk (`risks_schemas.Risk`) on create, read, list and change."""
    residual = r.residual
    return {
        "id": str(r.id),
        "title": r.title,
        "description": r.description,
        "asset": r.asset,
        "threat": r.threat,
        "vulnerability": r.vulnerability,
        "category": r.category.value,
        "likelihood": r.inherent.likelihood,
        "impact": r.inherent.impact,
        "inherent_score": r.inherent.score,
        "inherent_rating": r.inherent.rating.value,
        "residual_likelihood": None if residual is None else residual.likelihood,
        "residual_impact": None if residual is None else residual.impact,
        "residual_score": None if residual is None else residual.score,
        "residual_rating": None if residual is None else residual.rating.value,
        "rating": r.rating.value,
        "treatment": None if r.treatment is None else r.treatment.value,
        "treatment_plan": r.treatment_plan,
        "owner_id": _id(r.owner_id),
        "status": r.status.value,
        "review_interval_days": r.review_interval_days,
        "review_date": r.review_date.isoformat(),
        "last_reviewed_at": _time(r.last_reviewed_at),
        "overdue": r.overdue(register.today()),
        "controls": [control_json(c) for c in controls],
        "incident_ids": [str(i) for i in r.incident_ids],
        "created_by": _id(r.created_by),
        "created_at": _time(r.created_at),
        "updated_at": _time(r.updated_at),
        "closed_at": _time(r.closed_at),
        "reviews": [review_json(v) for v in reviews],
    }


def detail_json(register: RiskRegister, d: RiskDetail) -> dict[str, Any]:
    return risk_json(register, d.risk, d.controls, d.reviews)


def _refuse_nulls(changes: dict[str, Any], required: frozenset[str]) -> None:
    cleared = sorted(k for k, v in changes.items() if v is None and k in required)
    if cleared:
        raise ValidationFailed(details=[{"field": k, "message": "may not be null"} for k in cleared])


def blueprint(register: RiskRegister) -> APIBlueprint:
    """The routes, closing over the services they call (built by the context's wiring)."""
    api = APIBlueprint(
        "risks",
        __name__,
        url_prefix=API_V1,
        abp_tags=[Tag(name="risks", description="the risk register (POPIA s19)")],
    )
    _control_routes(api, register)
    _risk_routes(api, register)
    _risk_change_routes(api, register)
    return api


RISK_ERRORS = (InvalidRating, ResidualAboveInherent, OwnerNotEligible, UnknownControls, UnknownIncidents)


def _control_routes(api: APIBlueprint, register: RiskRegister) -> None:
    # -- controls (before /risks/<id>: the paths do not overlap, the uuid converter keeps them apart)
    @api.get(CONTROLS, security=BEARER, responses=listed(s.RiskControl))
    @require_permission(READ)
    def list_risk_controls(query: s.RiskControlListQuery) -> Response:
        """List the controls (safeguards) the risks link to, by name.

        Staff with risk:read. Cursor-paginated (`cursor`, `limit`; `page`/`per_page` aliases).
        """
        page = query.page_request().window(register.controls())
        return page_response([control_json(c) for c in page.items], page)

    @api.post(CONTROLS, security=BEARER, responses=created(s.RiskControl, ControlNameTaken))
    @require_permission(MANAGE)
    def create_risk_control(body: s.RiskControlBody) -> Response:
        """Add a control to the catalogue.

        Staff with risk:manage. Names are unique; Location is the control's URL.
        """
        done = register.add_control(
            current_caller().user_id,
            name=body.name,
            description=body.description,
            type=ControlType(body.type),
            status=ControlStatus(body.status),
            reference=body.reference,
        )
        return envelope.created(control_json(done), location=f"{API_V1}{CONTROLS}/{done.id}")

    @api.get(CONTROL, security=BEARER, responses=ok(s.RiskControl))
    @require_permission(READ)
    def get_risk_control(path: s.RiskControlPath) -> Response:
        """Read a control.

        Staff with risk:read.
        """
        return envelope.success(control_json(register.control(path.control_id)))

    @api.patch(CONTROL, security=BEARER, responses=ok(s.RiskControl, ControlNameTaken))
    @require_permission(MANAGE)
    def update_risk_control(path: s.RiskControlPath, body: s.RiskControlUpdateBody) -> Response:
        """Change a control; only the fields sent change.

        Staff with risk:manage.
        """
        changes = body.model_dump(exclude_unset=True)
        _refuse_nulls(changes, frozenset({"name", "description", "type", "status"}))
        done = register.change_control(current_caller().user_id, path.control_id, changes)
        return envelope.success(control_json(done))


def _risk_routes(api: APIBlueprint, register: RiskRegister) -> None:
    @api.get(RISKS, security=BEARER, responses=listed(s.Risk))
    @require_permission(READ)
    def list_risks(query: s.RiskListQuery) -> Response:
        """List the risk register, filtered by status, rating, overdue review or owner.

        Staff with risk:read. Cursor-paginated (`cursor`, `limit`; `page`/`per_page` aliases).
        """
        page = register.search(
            RiskQuery(
                page=query.page_request(),
                status=None if query.status is None else RiskStatus(query.status),
                rating=None if query.rating is None else Rating(query.rating),
                overdue=query.overdue,
                owner_id=query.owner_id,
            )
        )
        return page_response([detail_json(register, d) for d in page.items], page)

    @api.post(RISKS, security=BEARER, responses=created(s.Risk, *RISK_ERRORS, TreatmentIncomplete))
    @require_permission(MANAGE)
    def create_risk(body: s.RiskCreateBody) -> Response:
        """Identify a risk: asset, threat, inherent likelihood x impact, treatment.

        Staff with risk:manage. Location is the risk's URL.
        """
        done = register.identify(
            current_caller().user_id,
            RiskDraft(
                title=body.title,
                description=body.description,
                asset=body.asset,
                threat=body.threat,
                vulnerability=body.vulnerability,
                category=Category(body.category),
                likelihood=body.likelihood,
                impact=body.impact,
                residual_likelihood=body.residual_likelihood,
                residual_impact=body.residual_impact,
                treatment=None if body.treatment is None else Treatment(body.treatment),
                treatment_plan=body.treatment_plan,
                owner_id=body.owner_id,
                review_interval_days=body.review_interval_days,
                review_date=body.review_date,
                control_ids=tuple(body.control_ids),
                incident_ids=tuple(body.incident_ids),
            ),
        )
        return envelope.created(detail_json(register, done), location=f"{API_V1}{RISKS}/{done.risk.id}")

    @api.get(ONE, security=BEARER, responses=ok(s.Risk))
    @require_permission(READ)
    def get_risk(path: s.RiskPath) -> Response:
        """Read a risk with its controls and review history.

        Staff with risk:read.
        """
        return envelope.success(detail_json(register, register.get(path.risk_id)))


def _risk_change_routes(api: APIBlueprint, register: RiskRegister) -> None:
    @api.patch(
        ONE,
        security=BEARER,
        responses=ok(s.Risk, *RISK_ERRORS, TreatmentIncomplete, InvalidRiskTransition),
    )
    @require_permission(MANAGE)
    def update_risk(path: s.RiskPath, body: s.RiskUpdateBody) -> Response:
        """Change a risk; only the fields sent change, `null` clears an optional one.

        Staff with risk:manage.
        """
        changes = body.model_dump(exclude_unset=True)
        _refuse_nulls(changes, s.NOT_NULLABLE)
        done = register.change(current_caller().user_id, path.risk_id, changes)
        return envelope.success(detail_json(register, done))

    @api.post(
        ONE + "/reviews",
        security=BEARER,
        responses=ok(s.Risk, InvalidRating, ResidualAboveInherent),
    )
    @require_permission(READ)  # and the risk's owner or `risk:manage`: checked by the register
    def review_risk(path: s.RiskPath, body: s.RiskReviewBody) -> Response:
        """Record a review of a risk (POPIA s19(2)(c)-(d)): what was verified, what changed.

        The risk's owner, or staff with risk:manage. Answers the risk with its review history.
        """
        done = register.review(
            current_caller().user_id,
            path.risk_id,
            note=body.note,
            likelihood=body.likelihood,
            impact=body.impact,
            residual_likelihood=body.residual_likelihood,
            residual_impact=body.residual_impact,
        )
        return envelope.success(detail_json(register, done))

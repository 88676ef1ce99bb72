"""HTTP routes of the compliance context: SLA policies, tracked cases and the SLA report.

Reading needs sla:read, changing a policy sla:manage (both with MFA like every staff call);
pausing a case also needs the case type's manage permission (checked by the service).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Response
from flask_openapi3 import APIBlueprint, Tag

from elcorp.compliance.sla.application.sla import CaseQuery, SlaReport, SlaTracking, policy_json
from elcorp.compliance.sla.domain.sla import CaseType, ClockKind, GoalState, SlaState, month_bounds
from elcorp.compliance.sla.interfaces import sla_schemas as s
from elcorp.shared.application.pagination import PageRequest
from elcorp.shared.domain.clock import isoformat_z
from elcorp.shared.interfaces import envelope
from elcorp.shared.interfaces.api import API_V1, BEARER
from elcorp.shared.interfaces.auth import current_caller, require_permission

READ, MANAGE = "sla:read", "sla:manage"
CASE = "/sla/cases/<case_type>/<uuid:case_id>"


def _minutes(value: timedelta) -> int:
    return int(value.total_seconds() // 60)


def _time(value: Any) -> str | None:
    return None if value is None else isoformat_z(value)


def goal_json(goal: GoalState | None) -> dict[str, Any] | None:
    if goal is None:
        return None
    return {
        "target_minutes": _minutes(goal.target),
        "elapsed_minutes": _minutes(goal.elapsed),
        "remaining_minutes": _minutes(goal.remaining),
        "used_percent": goal.used_percent,
        "due_at": _time(goal.due_at),
        "stopped_at": _time(goal.stopped_at),
        "met": goal.met,
        "breached": goal.breached,
        "breached_at": _time(goal.breached_at),
        "at_risk": goal.at_risk,
    }


def state_json(state: SlaState, *, history: bool = False) -> dict[str, Any]:
    case = state.case
    body: dict[str, Any] = {
        "case_type": case.case_type.value,
        "case_id": str(case.case_id),
        "category": case.category,
        "priority": state.priority,
        "opened_at": _time(case.opened_at),
        "state": state.status.value,
        "breached": state.breached,
        "paused": state.paused,
        "pause_reason": state.pause_reason,
        "response": goal_json(state.response),
        "resolution": goal_json(state.resolution),
        "escalation_due_at": _time(state.escalation_due_at),
        "escalated_at": _time(state.escalated_at),
        "closed_at": _time(state.closed_at),
        "policy": {"id": str(state.policy.id), "name": state.policy.name, "clock": state.policy.clock.value},
        "as_of": _time(state.at),
    }
    if history:
        body["events"] = [
            {"kind": e.kind.value, "at": _time(e.at), "data": dict(e.data)} for e in case.history()
        ]
    return body


def report_json(report: SlaReport) -> dict[str, Any]:
    def line(item: Any) -> dict[str, Any]:
        return {
            "case_type": item.case_type,
            "category": item.category,
            "priority": item.priority,
            "cases": item.cases,
            "response_met": item.response_met,
            "response_decided": item.response_decided,
            "response_met_percent": item.response_met_percent,
            "resolution_met": item.resolution_met,
            "resolution_decided": item.resolution_decided,
            "resolution_met_percent": item.resolution_met_percent,
            "breached": item.breached,
        }

    return {
        "start": _time(report.start),
        "end": _time(report.end),
        "groups": [line(i) for i in report.lines],
        "by_case_type": [line(i) for i in report.totals],
    }


def blueprint(tracking: SlaTracking) -> APIBlueprint:
    """The routes, closing over the services they call (built by the context's wiring)."""
    api = APIBlueprint(
        "sla",
        __name__,
        url_prefix=API_V1,
        abp_tags=[Tag(name="sla", description="SLA policies, tracked cases and the SLA report")],
    )
    _policy_and_case_routes(api, tracking)
    _resume_and_report_routes(api, tracking)
    return api


def _policy_and_case_routes(api: APIBlueprint, tracking: SlaTracking) -> None:
    # -- policies ------------------------------------------------------------------------------
    @api.get("/sla/policies", security=BEARER)
    @require_permission(READ)
    def list_policies() -> Response:
        found = tracking.policies()
        return envelope.success([policy_json(p) for p in found], meta={"total": len(found)})

    @api.post("/sla/policies", security=BEARER)
    @require_permission(MANAGE)
    def create_policy(body: s.PolicyBody) -> Response:
        fields = body.model_dump()
        fields.update(
            case_type=CaseType(body.case_type), clock=ClockKind(body.clock), pause_on=tuple(body.pause_on)
        )
        created = tracking.create_policy(current_caller().user_id, fields)
        return envelope.success(policy_json(created), status=201)

    @api.put("/sla/policies/<uuid:policy_id>", security=BEARER)
    @require_permission(MANAGE)
    def update_policy(path: s.PolicyPath, body: s.PolicyUpdateBody) -> Response:
        fields = body.model_dump(exclude_unset=True)
        if "clock" in fields:
            fields["clock"] = ClockKind(fields["clock"])
        if "pause_on" in fields:
            fields["pause_on"] = tuple(fields["pause_on"] or ())
        changed = tracking.update_policy(current_caller().user_id, path.policy_id, fields)
        return envelope.success(policy_json(changed))

    # -- cases ---------------------------------------------------------------------------------
    @api.get("/sla/cases", security=BEARER)
    @require_permission(READ)
    def list_cases(query: s.CasesQuery) -> Response:
        page = tracking.cases(
            CaseQuery(
                page=PageRequest(query.page, query.per_page),
                state=query.state,
                case_type=None if query.case_type is None else CaseType(query.case_type),
            )
        )
        return envelope.success([state_json(x) for x in page.items], meta=page.meta)

    @api.get(CASE, security=BEARER)
    @require_permission(READ)
    def one_case(path: s.CasePath) -> Response:
        state = tracking.state(CaseType(path.case_type), path.case_id)
        return envelope.success(state_json(state, history=True))

    @api.post(CASE + "/pause", security=BEARER)
    @require_permission(READ)
    def pause_case(path: s.CasePath, body: s.PauseBody) -> Response:
        state = tracking.pause(current_caller().user_id, CaseType(path.case_type), path.case_id, body.reason)
        return envelope.success(state_json(state, history=True))


def _resume_and_report_routes(api: APIBlueprint, tracking: SlaTracking) -> None:
    @api.post(CASE + "/resume", security=BEARER)
    @require_permission(READ)
    def resume_case(path: s.CasePath) -> Response:
        state = tracking.resume(current_caller().user_id, CaseType(path.case_type), path.case_id)
        return envelope.success(state_json(state, history=True))

    # -- the report ----------------------------------------------------------------------------
    @api.get("/sla/report", security=BEARER)
    @require_permission(READ)
    def sla_report(query: s.ReportQuery) -> Response:
        start, end = month_bounds(query.period)
        return envelope.success(report_json(tracking.report(start, end)), meta={"period": query.period})

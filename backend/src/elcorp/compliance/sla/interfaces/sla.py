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
from elcorp.compliance.sla.domain.sla import (
    CaseType,
    ClockKind,
    GoalState,
    SlaCaseNotTracked,
    SlaPauseNotAllowed,
    SlaPeriodInvalid,
    SlaPolicyExists,
    SlaPolicyInvalid,
    SlaPolicyNotFound,
    SlaState,
    month_bounds,
)
from elcorp.compliance.sla.interfaces import sla_schemas as s
from elcorp.shared.domain.clock import isoformat_z
from elcorp.shared.interfaces import envelope
from elcorp.shared.interfaces.api import API_V1, BEARER
from elcorp.shared.interfaces.auth import current_caller, require_permission
from elcorp.shared.interfaces.openapi import created, listed, ok
from elcorp.shared.interfaces.pagination import page_response

READ, MANAGE = "sla:read", "sla:manage"
POLICIES = "/sla/policies"
POLICY = POLICIES + "/<uuid:policy_id>"
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


def state_json(state: SlaState) -> dict[str, Any]:
    """The one shape of a tracked case (`sla_schemas.SlaCase`) on list and read."""
    case = state.case
    return {
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
        "events": [{"kind": e.kind.value, "at": _time(e.at), "data": dict(e.data)} for e in case.history()],
    }


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
    _policy_routes(api, tracking)
    _case_routes(api, tracking)
    _report_routes(api, tracking)
    return api


def _policy_routes(api: APIBlueprint, tracking: SlaTracking) -> None:
    @api.get(POLICIES, security=BEARER, responses=listed(s.SlaPolicy))
    @require_permission(READ)
    def list_sla_policies(query: s.SlaPolicyListQuery) -> Response:
        """List the SLA policies by case type, category and priority.

        Staff with sla:read. Cursor-paginated (`cursor`, `limit`; `page`/`per_page` aliases).
        """
        page = query.page_request().window(tracking.policies())
        return page_response([policy_json(p) for p in page.items], page)

    @api.post(POLICIES, security=BEARER, responses=created(s.SlaPolicy, SlaPolicyInvalid, SlaPolicyExists))
    @require_permission(MANAGE)
    def create_sla_policy(body: s.SlaPolicyBody) -> Response:
        """Create an SLA policy: response, resolution and escalation targets for a kind of case.

        Staff with sla:manage. One policy per case type, category and priority; Location is its URL.
        """
        fields = body.model_dump()
        fields.update(
            case_type=CaseType(body.case_type), clock=ClockKind(body.clock), pause_on=tuple(body.pause_on)
        )
        done = tracking.create_policy(current_caller().user_id, fields)
        return envelope.created(policy_json(done), location=f"{API_V1}{POLICIES}/{done.id}")

    @api.get(POLICY, security=BEARER, responses=ok(s.SlaPolicy, SlaPolicyNotFound))
    @require_permission(READ)
    def get_sla_policy(path: s.SlaPolicyPath) -> Response:
        """Read an SLA policy.

        Staff with sla:read.
        """
        return envelope.success(policy_json(tracking.policy(path.policy_id)))

    @api.put(POLICY, security=BEARER, responses=ok(s.SlaPolicy, SlaPolicyInvalid, SlaPolicyNotFound))
    @require_permission(MANAGE)
    def update_sla_policy(path: s.SlaPolicyPath, body: s.SlaPolicyUpdateBody) -> Response:
        """Change an SLA policy's targets; only the fields sent change.

        Staff with sla:manage. Running cases are judged by the policy as it is now.
        """
        fields = body.model_dump(exclude_unset=True)
        if "clock" in fields:
            fields["clock"] = ClockKind(fields["clock"])
        if "pause_on" in fields:
            fields["pause_on"] = tuple(fields["pause_on"] or ())
        changed = tracking.update_policy(current_caller().user_id, path.policy_id, fields)
        return envelope.success(policy_json(changed))


def _case_routes(api: APIBlueprint, tracking: SlaTracking) -> None:
    @api.get("/sla/cases", security=BEARER, responses=listed(s.SlaCase))
    @require_permission(READ)
    def list_sla_cases(query: s.SlaCaseListQuery) -> Response:
        """List the SLA-tracked cases, newest first, filtered by state or case type.

        Staff with sla:read. Cursor-paginated (`cursor`, `limit`; `page`/`per_page` aliases).
        """
        page = tracking.cases(
            CaseQuery(
                page=query.page_request(),
                state=query.state,
                case_type=None if query.case_type is None else CaseType(query.case_type),
            )
        )
        return page_response([state_json(x) for x in page.items], page)

    @api.get(CASE, security=BEARER, responses=ok(s.SlaCase, SlaCaseNotTracked))
    @require_permission(READ)
    def get_sla_case(path: s.SlaCasePath) -> Response:
        """Read a tracked case's SLA state and history.

        Staff with sla:read.
        """
        state = tracking.state(CaseType(path.case_type), path.case_id)
        return envelope.success(state_json(state))

    @api.post(
        CASE + "/pause", security=BEARER, responses=ok(s.SlaCase, SlaCaseNotTracked, SlaPauseNotAllowed)
    )
    @require_permission(READ)
    def pause_sla_case(path: s.SlaCasePath, body: s.SlaPauseBody) -> Response:
        """Pause a case's SLA clock for one of its policy's pause reasons.

        Staff with sla:read and the case type's manage permission.
        """
        state = tracking.pause(current_caller().user_id, CaseType(path.case_type), path.case_id, body.reason)
        return envelope.success(state_json(state))

    @api.post(
        CASE + "/resume", security=BEARER, responses=ok(s.SlaCase, SlaCaseNotTracked, SlaPauseNotAllowed)
    )
    @require_permission(READ)
    def resume_sla_case(path: s.SlaCasePath) -> Response:
        """Resume a paused case's SLA clock.

        Staff with sla:read and the case type's manage permission.
        """
        state = tracking.resume(current_caller().user_id, CaseType(path.case_type), path.case_id)
        return envelope.success(state_json(state))


def _report_routes(api: APIBlueprint, tracking: SlaTracking) -> None:
    @api.get("/sla/report", security=BEARER, responses=ok(s.SlaReport, SlaPeriodInvalid))
    @require_permission(READ)
    def get_sla_report(query: s.SlaReportQuery) -> Response:
        """Report a month's SLA compliance per case type, category and priority.

        Staff with sla:read. `meta.period` echoes the month.
        """
        start, end = month_bounds(query.period)
        return envelope.success(report_json(tracking.report(start, end)), meta={"period": query.period})

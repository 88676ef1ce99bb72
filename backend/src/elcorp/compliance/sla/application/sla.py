"""SLA tracking: policies, the tracked cases' histories, their derived state, the escalation
job and the monthly SLA report.

The case histories are fed by the events the owning contexts publish (sla_feeds.py turns
each into history rows); nothing here reads another context's tables. The state of a case
is computed on every read by `derive()` from its history, its policy and the calendar, at
the service clock's instant, so tests control time by handing in a clock.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from elcorp.compliance.sla.domain.business_calendar import WorkingTime
from elcorp.compliance.sla.domain.sla import (
    CaseEvent,
    CaseType,
    ClockKind,
    EventKind,
    SlaCaseNotTracked,
    SlaPolicy,
    SlaPolicyNotFound,
    SlaState,
    SlaStatus,
    TrackedCase,
    can_pause,
    can_resume,
    derive,
    select_policy,
)
from elcorp.compliance.sla.domain.sla_events import SlaCaseEscalated, SlaGoalBreached
from elcorp.governance.application.api import AccessControl
from elcorp.shared.application.audit import SYSTEM_ACTOR, Actor, Changes, Resource
from elcorp.shared.application.pagination import Page, PageRequest
from elcorp.shared.application.unit_of_work import UnitOfWork
from elcorp.shared.domain.clock import Clock, SystemClock
from elcorp.shared.domain.errors import AccessDenied

# Who may act on (and is told of the escalation of) each case type.
MANAGE_PERMISSION: dict[CaseType, str] = {
    CaseType.SERVICE_REQUEST: "service_request:manage",
    CaseType.INCIDENT: "incident:manage",
    CaseType.PRIVACY_REQUEST: "privacy:manage",
}
# Cases closed this recently are still checked for a breach the job has not marked yet.
BREACH_LOOKBACK = timedelta(days=7)
STATE_FILTERS = ("breached", "at_risk", "paused", "running", "met", "cancelled")


@dataclass(frozen=True, slots=True)
class CaseQuery:
    page: PageRequest
    state: str | None = None  # one of STATE_FILTERS
    case_type: CaseType | None = None


class SlaStore(Protocol):
    def policies(self) -> list[SlaPolicy]: ...

    def policy(self, policy_id: uuid.UUID) -> SlaPolicy | None: ...

    def add_policy(self, policy: SlaPolicy, at: datetime) -> None:
        """Raise SlaPolicyExists for a second policy of one (case type, category, priority)."""
        ...

    def save_policy(self, policy: SlaPolicy, at: datetime) -> None: ...

    def open_case(
        self, case_type: CaseType, case_id: uuid.UUID, category: str, priority: str, at: datetime
    ) -> bool:
        """Start tracking a case (with its `opened` event); False if it is tracked already."""
        ...

    def append(
        self,
        case_type: CaseType,
        case_id: uuid.UUID,
        event: CaseEvent,
        *,
        source_event_id: uuid.UUID | None = None,
    ) -> bool:
        """Append to the history; False (and nothing written) for an unknown case, a source
        event already recorded with this kind, or a second once-only mark."""
        ...

    def case(
        self, case_type: CaseType, case_id: uuid.UUID, *, for_update: bool = False
    ) -> TrackedCase | None: ...

    def cases(
        self,
        case_type: CaseType | None = None,
        *,
        active_since: datetime | None = None,
        opened_before: datetime | None = None,
    ) -> list[TrackedCase]:
        """Cases (with their histories), the newest opened first; `active_since` keeps those
        not closed before it, `opened_before` those opened before it."""
        ...


class SlaUnitOfWork(UnitOfWork, Protocol):
    @property
    def sla(self) -> SlaStore: ...


@dataclass(frozen=True, slots=True)
class EscalationRun:
    escalated: int
    breaches: int


@dataclass(frozen=True, slots=True)
class ReportLine:
    case_type: str
    category: str
    priority: str
    cases: int
    response_met: int
    response_decided: int
    resolution_met: int
    resolution_decided: int
    breached: int

    @staticmethod
    def percent(met: int, decided: int) -> str | None:
        """Met share of the decided goals, one decimal (half up), None when none decided."""
        if decided == 0:
            return None
        tenths = (met * 1000 * 2 + decided) // (decided * 2)
        return f"{tenths // 10}.{tenths % 10}"

    @property
    def response_met_percent(self) -> str | None:
        return self.percent(self.response_met, self.response_decided)

    @property
    def resolution_met_percent(self) -> str | None:
        return self.percent(self.resolution_met, self.resolution_decided)


@dataclass(frozen=True, slots=True)
class SlaReport:
    start: datetime
    end: datetime
    lines: tuple[ReportLine, ...]  # per (case type, category, priority), sorted
    totals: tuple[ReportLine, ...]  # per case type (category and priority "*")


class SlaTracking:
    def __init__(
        self,
        uow: Callable[[], SlaUnitOfWork],
        access: AccessControl,
        calendars: Mapping[ClockKind, WorkingTime],
        *,
        clock: Clock | None = None,
    ) -> None:
        self._uow = uow
        self._access = access
        self._calendars = dict(calendars)
        self._clock = clock or SystemClock()

    def now(self) -> datetime:
        return self._clock.now()

    # -- policies -------------------------------------------------------------------------
    def policies(self) -> list[SlaPolicy]:
        with self._uow() as uow:
            found = uow.sla.policies()
        return sorted(found, key=lambda p: (p.case_type.value, p.category, p.priority, str(p.id)))

    def policy(self, policy_id: uuid.UUID) -> SlaPolicy:
        with self._uow() as uow:
            found = uow.sla.policy(policy_id)
        if found is None:
            raise SlaPolicyNotFound()
        return found

    def create_policy(self, actor: uuid.UUID, fields: Mapping[str, Any]) -> SlaPolicy:
        policy = SlaPolicy(id=uuid.uuid4(), **fields)
        with self._uow() as uow:
            uow.sla.add_policy(policy, self._clock.now())
            uow.audit.record(
                "sla.policy_created",
                Actor(str(actor)),
                Resource("sla_policy", str(policy.id)),
                Changes(after=policy_json(policy)),
            )
            uow.commit()
        return policy

    def update_policy(self, actor: uuid.UUID, policy_id: uuid.UUID, fields: Mapping[str, Any]) -> SlaPolicy:
        with self._uow() as uow:
            current = uow.sla.policy(policy_id)
            if current is None:
                raise SlaPolicyNotFound()
            changed = replace(current, **fields)
            uow.sla.save_policy(changed, self._clock.now())
            uow.audit.record(
                "sla.policy_updated",
                Actor(str(actor)),
                Resource("sla_policy", str(policy_id)),
                Changes(policy_json(current), policy_json(changed)),
            )
            uow.commit()
        return changed

    # -- the histories (called by sla_feeds) ----------------------------------------------
    def open(
        self,
        case_type: CaseType,
        case_id: uuid.UUID,
        category: str,
        priority: str,
        at: datetime,
    ) -> bool:
        with self._uow() as uow:
            opened = uow.sla.open_case(case_type, case_id, category, priority, at)
            uow.commit()
        return opened

    def record(
        self,
        case_type: CaseType,
        case_id: uuid.UUID,
        events: list[CaseEvent],
        *,
        source_event_id: uuid.UUID | None = None,
    ) -> int:
        """Append the events one source event implies (idempotent per source event and kind)."""
        written = 0
        with self._uow() as uow:
            for event in events:
                written += uow.sla.append(case_type, case_id, event, source_event_id=source_event_id)
            uow.commit()
        return written

    def history(self, case_type: CaseType, case_id: uuid.UUID) -> TrackedCase | None:
        with self._uow() as uow:
            return uow.sla.case(case_type, case_id)

    # -- states ---------------------------------------------------------------------------
    def _derive(self, case: TrackedCase, policies: list[SlaPolicy], now: datetime) -> SlaState | None:
        policy = select_policy(policies, case.case_type, case.category, case.priority_at(now))
        if policy is None:
            return None
        return derive(case, policy, self._calendars[policy.clock], now)

    def state(self, case_type: CaseType, case_id: uuid.UUID) -> SlaState:
        now = self._clock.now()
        with self._uow() as uow:
            case = uow.sla.case(case_type, case_id)
            policies = uow.sla.policies()
        state = None if case is None else self._derive(case, policies, now)
        if state is None:
            raise SlaCaseNotTracked()
        return state

    def cases(self, query: CaseQuery) -> Page[SlaState]:
        now = self._clock.now()
        with self._uow() as uow:
            found = uow.sla.cases(query.case_type)
            policies = uow.sla.policies()
        states = [s for s in (self._derive(c, policies, now) for c in found) if s is not None]
        if query.state is not None:
            states = [s for s in states if matches(s, query.state)]
        start = query.page.offset
        return Page(
            states[start : start + query.page.per_page], query.page.page, query.page.per_page, len(states)
        )

    # -- manual pause (e.g. waiting for the customer or a third party) --------------------
    def pause(self, actor: uuid.UUID, case_type: CaseType, case_id: uuid.UUID, reason: str) -> SlaState:
        self._may_act(actor, case_type)
        return self._change(actor, case_type, case_id, "paused", reason)

    def resume(self, actor: uuid.UUID, case_type: CaseType, case_id: uuid.UUID) -> SlaState:
        self._may_act(actor, case_type)
        return self._change(actor, case_type, case_id, "resumed", None)

    def _may_act(self, actor: uuid.UUID, case_type: CaseType) -> None:
        if self._access.grants_for(actor).scope_of(MANAGE_PERMISSION[case_type]) is None:
            raise AccessDenied(f"Pausing this case needs {MANAGE_PERMISSION[case_type]}")

    def _change(
        self, actor: uuid.UUID, case_type: CaseType, case_id: uuid.UUID, verb: str, reason: str | None
    ) -> SlaState:
        now = self._clock.now()
        with self._uow() as uow:
            case = uow.sla.case(case_type, case_id, for_update=True)
            state = None if case is None else self._derive(case, uow.sla.policies(), now)
            if state is None:
                raise SlaCaseNotTracked()
            if reason is not None:
                can_pause(state, reason)
                event = CaseEvent(EventKind.PAUSED, now, {"reason": reason, "manual": True})
            else:
                can_resume(state)
                event = CaseEvent(EventKind.RESUMED, now, {"manual": True})
            uow.sla.append(case_type, case_id, event)
            uow.audit.record(
                f"sla.case_{verb}",
                Actor(str(actor)),
                Resource(f"sla_case.{case_type.value}", str(case_id)),
                Changes({"paused": state.paused}, {"paused": verb == "paused", "reason": reason}),
                reason,
            )
            uow.commit()
        return self.state(case_type, case_id)

    # -- the escalation job ---------------------------------------------------------------
    def escalate(self) -> EscalationRun:
        """Escalate, once, each case whose escalation time passed unresolved; record each
        missed goal once. Concurrent runs are safe: the once-only marks are unique."""
        now = self._clock.now()
        escalated = breaches = 0
        with self._uow() as uow:
            found = uow.sla.cases(active_since=now - BREACH_LOOKBACK)
            policies = uow.sla.policies()
        for case in found:
            state = self._derive(case, policies, now)
            if state is None:
                continue
            missed = _unmarked_breaches(case, state)
            if not state.escalation_due and not missed:
                continue
            with self._uow() as uow:
                breaches += sum(_mark_breach(uow, state, breach, now) for breach in missed)
                if state.escalation_due and _mark_escalation(uow, state, now):
                    escalated += 1
                uow.commit()
        return EscalationRun(escalated, breaches)

    # -- the report -----------------------------------------------------------------------
    def report(self, start: datetime, end: datetime) -> SlaReport:
        """Goals met for the cases closed in [start, end) or, still open, due in it; each
        judged at the end of the period (or now, for the current month)."""
        at = min(self._clock.now(), end)
        with self._uow() as uow:
            found = uow.sla.cases(active_since=start, opened_before=end)
            policies = uow.sla.policies()
        groups: dict[tuple[str, str, str], list[SlaState]] = {}
        for case in found:
            state = self._derive(case, policies, at)
            if state is None or state.resolution is None or not _in_period(state, start, end):
                continue
            key = (case.case_type.value, case.category, state.priority)
            groups.setdefault(key, []).append(state)
        lines = tuple(_line(key, states) for key, states in sorted(groups.items()))
        by_type: dict[str, list[SlaState]] = {}
        for (case_type, _, _), states in sorted(groups.items()):
            by_type.setdefault(case_type, []).extend(states)
        totals = tuple(_line((t, "*", "*"), states) for t, states in sorted(by_type.items()))
        return SlaReport(start, end, lines, totals)


@dataclass(frozen=True, slots=True)
class _Breach:
    goal: str  # response | resolution
    at: datetime
    mark: EventKind  # the once-only history mark of this goal's breach


def _unmarked_breaches(case: TrackedCase, state: SlaState) -> list[_Breach]:
    """The goals `state` finds breached whose breach the history does not mark yet."""
    marks = {e.kind for e in case.events}
    goals = [("response", state.response, EventKind.RESPONSE_BREACHED)]
    if state.resolution is not None:
        goals.append(("resolution", state.resolution, EventKind.RESOLUTION_BREACHED))
    return [
        _Breach(name, goal.breached_at, kind)
        for name, goal, kind in goals
        if goal.breached and goal.breached_at is not None and kind not in marks
    ]


def _case_resource(case: TrackedCase) -> Resource:
    return Resource(f"sla_case.{case.case_type.value}", str(case.case_id))


def _mark_breach(uow: SlaUnitOfWork, state: SlaState, breach: _Breach, now: datetime) -> bool:
    """Mark, audit and announce one missed goal; False if another run marked it first."""
    case = state.case
    event = CaseEvent(breach.mark, now, {"breached_at": breach.at.isoformat()})
    if not uow.sla.append(case.case_type, case.case_id, event):
        return False
    uow.audit.record(
        "sla.goal_breached",
        Actor(SYSTEM_ACTOR),
        _case_resource(case),
        Changes(
            after={
                "goal": breach.goal,
                "breached_at": breach.at.isoformat(),
                "policy_id": str(state.policy.id),
            }
        ),
    )
    uow.publish(
        SlaGoalBreached(
            case_type=case.case_type.value,
            case_id=case.case_id,
            goal=breach.goal,
            breached_at=breach.at,
            occurred_at=now,
        )
    )
    return True


def _mark_escalation(uow: SlaUnitOfWork, state: SlaState, now: datetime) -> bool:
    """Mark, audit and announce the escalation; False if another run marked it first."""
    case = state.case
    if not uow.sla.append(case.case_type, case.case_id, CaseEvent(EventKind.ESCALATED, now, {})):
        return False
    due_at = state.escalation_due_at
    uow.audit.record(
        "sla.case_escalated",
        Actor(SYSTEM_ACTOR),
        _case_resource(case),
        Changes(
            after={
                "escalation_due_at": None if due_at is None else due_at.isoformat(),
                "priority": state.priority,
                "policy_id": str(state.policy.id),
            }
        ),
    )
    uow.publish(
        SlaCaseEscalated(
            case_type=case.case_type.value,
            case_id=case.case_id,
            category=case.category,
            priority=state.priority,
            resolution_due_at=None if state.resolution is None else state.resolution.due_at,
            occurred_at=now,
        )
    )
    return True


def _in_period(state: SlaState, start: datetime, end: datetime) -> bool:
    resolution = state.resolution
    if resolution is None:
        return False
    if resolution.stopped_at is not None:
        return start <= resolution.stopped_at < end
    return resolution.due_at is not None and start <= resolution.due_at < end


def _line(key: tuple[str, str, str], states: list[SlaState]) -> ReportLine:
    response = [s.response.met for s in states if s.response.met is not None]
    resolution = [
        s.resolution.met for s in states if s.resolution is not None and s.resolution.met is not None
    ]
    return ReportLine(
        case_type=key[0],
        category=key[1],
        priority=key[2],
        cases=len(states),
        response_met=sum(response),
        response_decided=len(response),
        resolution_met=sum(resolution),
        resolution_decided=len(resolution),
        breached=sum(1 for s in states if s.breached),
    )


def matches(state: SlaState, wanted: str) -> bool:
    """The list filter: breached = any goal missed; paused = the clock stands still now;
    the others are the state's status."""
    if wanted == "breached":
        return state.breached
    if wanted == "paused":
        return state.paused
    return state.status == SlaStatus(wanted)


def policy_json(policy: SlaPolicy) -> dict[str, Any]:
    return {
        "id": str(policy.id),
        "name": policy.name,
        "case_type": policy.case_type.value,
        "category": policy.category,
        "priority": policy.priority,
        "clock": policy.clock.value,
        "response_minutes": policy.response_minutes,
        "resolution_minutes": policy.resolution_minutes,
        "escalation_minutes": policy.escalation_minutes,
        "at_risk_percent": policy.at_risk_percent,
        "pause_on": list(policy.pause_on),
        "description": policy.description,
        "active": policy.active,
    }

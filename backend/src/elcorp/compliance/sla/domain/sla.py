"""SLA policies and the SLA state of a tracked case.

A tracked case (a service request, an incident, a data-subject request) keeps an
append-only history of what happened to it: opened, responded, paused, resumed, resolved,
closed, priority_changed, due_changed (plus the escalated / *_breached marks the escalation
job leaves). Its SLA state is never stored: `derive()` computes it from that history, the
case's policy, the working-time calendar and the instant asked about, so a policy change,
a late event or a question about the past all give the answer the facts imply.

Two goals run from the moment the case is opened:
- response: stops at the first `responded` (an incident acknowledged, a request assigned,
  a privacy request's first identity check);
- resolution: stops at the first `resolved`, or at `closed` when nothing resolved it first.
  A case closed with outcome `cancelled` before resolution has no resolution goal.
Both stand still while the case is paused for a reason the policy lists in `pause_on`
(a pause for another reason is recorded but does not stop the clock). `due_changed` adds
time to the resolution goal (a PAIA s26 extension). A goal is breached when its running
time reaches the target before it stopped; at risk when `at_risk_percent` of the target is
used and it is still running; escalation is due when the resolution clock has run for
`escalation_minutes` and the case is not resolved.

Pure: standard library and the shared kernel only.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from elcorp.compliance.sla.domain.business_calendar import ZERO, WorkingTime
from elcorp.shared.domain.clock import (
    EARLIEST_BUSINESS_YEAR,
    LATEST_BUSINESS_YEAR,
    WINDHOEK,
    within_business_years,
)
from elcorp.shared.domain.errors import DomainError

ANY = "*"  # a policy's category or priority that matches every value
DEFAULT_AT_RISK_PERCENT = 80


class CaseType(StrEnum):
    SERVICE_REQUEST = "service_request"
    INCIDENT = "incident"
    PRIVACY_REQUEST = "privacy_request"


class ClockKind(StrEnum):
    BUSINESS_HOURS = "business_hours"  # weekdays 08:00-17:00 Windhoek, holidays excluded
    ROUND_THE_CLOCK = "24x7"  # every minute counts (also calendar days)


class EventKind(StrEnum):
    OPENED = "opened"
    RESPONDED = "responded"
    PAUSED = "paused"
    RESUMED = "resumed"
    RESOLVED = "resolved"
    CLOSED = "closed"
    PRIORITY_CHANGED = "priority_changed"
    DUE_CHANGED = "due_changed"
    # Left by the escalation job, once each per case; they do not move the clocks.
    ESCALATED = "escalated"
    RESPONSE_BREACHED = "response_breached"
    RESOLUTION_BREACHED = "resolution_breached"


ONCE_ONLY = frozenset({EventKind.ESCALATED, EventKind.RESPONSE_BREACHED, EventKind.RESOLUTION_BREACHED})


class SlaStatus(StrEnum):
    RUNNING = "running"
    AT_RISK = "at_risk"
    PAUSED = "paused"
    BREACHED = "breached"
    MET = "met"
    CANCELLED = "cancelled"


# -- errors ---------------------------------------------------------------------------------
class SlaPolicyInvalid(DomainError):
    code = "SLA_001"
    default_message = "The SLA policy is not valid"


class SlaPolicyExists(DomainError):
    code = "SLA_002"
    status = 409
    default_message = "A policy for this case type, category and priority already exists"


class SlaCaseNotTracked(DomainError):
    code = "SLA_003"
    status = 404
    default_message = "No SLA-tracked case with this type and id"


class SlaPeriodInvalid(DomainError):
    code = "SLA_004"
    default_message = "The period must be a month, YYYY-MM"


class SlaPauseNotAllowed(DomainError):
    code = "SLA_005"
    status = 409
    default_message = "The case cannot be paused or resumed now"


class SlaPolicyNotFound(DomainError):
    code = "SLA_006"
    status = 404
    default_message = "SLA policy not found"


# -- policies -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SlaPolicy:
    """Goals for one (case type, category, priority); `*` matches any value."""

    id: uuid.UUID
    name: str
    case_type: CaseType
    category: str
    priority: str
    clock: ClockKind
    response_minutes: int
    resolution_minutes: int
    escalation_minutes: int
    at_risk_percent: int = DEFAULT_AT_RISK_PERCENT
    pause_on: tuple[str, ...] = ()
    description: str | None = None
    active: bool = True

    def __post_init__(self) -> None:
        problems: list[dict[str, str]] = []
        if not self.name.strip():
            problems.append({"field": "name", "message": "must not be empty"})
        for name in ("category", "priority"):
            if not getattr(self, name).strip():
                problems.append({"field": name, "message": "must not be empty (use * for any)"})
        for name in ("response_minutes", "resolution_minutes", "escalation_minutes"):
            if getattr(self, name) < 1:
                problems.append({"field": name, "message": "must be at least 1"})
        if self.response_minutes > self.resolution_minutes:
            problems.append({"field": "response_minutes", "message": "must not exceed resolution_minutes"})
        if not 1 <= self.at_risk_percent <= 99:
            problems.append({"field": "at_risk_percent", "message": "must be between 1 and 99"})
        if problems:
            raise SlaPolicyInvalid(details=problems)

    def specificity(self, category: str, priority: str) -> int | None:
        """How closely this policy fits a case (higher = closer), None if it does not."""
        if not self.active:
            return None
        if self.category not in (ANY, category) or self.priority not in (ANY, priority):
            return None
        return (2 if self.priority != ANY else 0) + (1 if self.category != ANY else 0)


def select_policy(
    policies: Iterable[SlaPolicy], case_type: CaseType, category: str, priority: str
) -> SlaPolicy | None:
    """The active policy of the case type that fits most closely: exact priority weighs more
    than exact category; ties go to the older id order (stable)."""
    best: tuple[int, SlaPolicy] | None = None
    for policy in sorted(policies, key=lambda p: str(p.id)):
        if policy.case_type is not case_type:
            continue
        score = policy.specificity(category, priority)
        if score is not None and (best is None or score > best[0]):
            best = (score, policy)
    return None if best is None else best[1]


# -- cases ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CaseEvent:
    kind: EventKind
    at: datetime
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TrackedCase:
    """A case and its history, in the order the events were recorded."""

    case_type: CaseType
    case_id: uuid.UUID
    category: str
    opened_priority: str
    opened_at: datetime
    events: tuple[CaseEvent, ...] = ()

    def history(self, until: datetime | None = None) -> list[CaseEvent]:
        ordered = sorted(enumerate(self.events), key=lambda pair: (pair[1].at, pair[0]))
        return [e for _, e in ordered if until is None or e.at <= until]

    def priority_at(self, moment: datetime) -> str:
        priority = self.opened_priority
        for event in self.history(moment):
            if event.kind is EventKind.PRIORITY_CHANGED and event.data.get("priority"):
                priority = str(event.data["priority"])
        return priority

    def first(self, kind: EventKind, until: datetime | None = None) -> CaseEvent | None:
        return next((e for e in self.history(until) if e.kind is kind), None)


@dataclass(frozen=True, slots=True)
class GoalState:
    target: timedelta
    elapsed: timedelta
    remaining: timedelta
    used_percent: int
    due_at: datetime | None  # None while paused (it moves on resume)
    stopped_at: datetime | None
    breached: bool
    breached_at: datetime | None
    at_risk: bool

    @property
    def met(self) -> bool | None:
        """True/False once decided (stopped in time, or breached); None while running."""
        if self.breached:
            return False
        return True if self.stopped_at is not None else None


@dataclass(frozen=True, slots=True)
class SlaState:
    case: TrackedCase
    policy: SlaPolicy
    priority: str
    at: datetime
    status: SlaStatus
    paused: bool
    pause_reason: str | None
    response: GoalState
    resolution: GoalState | None  # None for a case cancelled before resolution
    escalation_due_at: datetime | None
    escalation_due: bool  # escalation time passed, not resolved, not yet escalated
    escalated_at: datetime | None
    closed_at: datetime | None

    @property
    def breached(self) -> bool:
        return self.response.breached or (self.resolution is not None and self.resolution.breached)


Segment = tuple[datetime, datetime | None]  # a stretch the clock runs; None = still running


def _running_segments(case: TrackedCase, policy: SlaPolicy, events: Sequence[CaseEvent]) -> list[Segment]:
    honoured = set(policy.pause_on)
    segments: list[Segment] = []
    started: datetime | None = case.opened_at
    for event in events:
        if event.kind is EventKind.PAUSED and started is not None and event.data.get("reason") in honoured:
            if event.at > started:
                segments.append((started, event.at))
            started = None
        elif event.kind is EventKind.RESUMED and started is None:
            started = max(event.at, case.opened_at)
    if started is not None:
        segments.append((started, None))
    return segments


def _goal(
    segments: Sequence[Segment],
    target: timedelta,
    stop: datetime | None,
    now: datetime,
    at_risk_percent: int,
    time: WorkingTime,
) -> GoalState:
    horizon = stop if stop is not None else now
    elapsed = ZERO
    reached: datetime | None = None
    running_at_horizon = False
    for start, end in segments:
        if start >= horizon:
            break
        stretch_end = horizon if end is None or end > horizon else end
        if end is None or end > horizon:
            running_at_horizon = True
        worked = time.between(start, stretch_end)
        if reached is None and elapsed + worked >= target:
            reached = time.add(start, target - elapsed)
        elapsed += worked
    breached = reached is not None and reached <= horizon
    remaining = max(target - elapsed, ZERO)
    if breached:
        due_at: datetime | None = reached
    elif running_at_horizon or stop is not None:
        # While running: when it will fall due; once stopped: when it would have.
        due_at = time.add(horizon, remaining)
    else:
        due_at = None
    used = int(elapsed * 100 / target) if target > ZERO else 100
    return GoalState(
        target=target,
        elapsed=elapsed,
        remaining=remaining,
        used_percent=used,
        due_at=due_at,
        stopped_at=stop,
        breached=breached,
        breached_at=reached if breached else None,
        at_risk=stop is None and not breached and used >= at_risk_percent,
    )


@dataclass(frozen=True, slots=True)
class _Stops:
    """Where a case's history stops its goals, as known at one instant."""

    response: datetime | None
    resolution: datetime | None
    cancelled: bool  # closed as cancelled before anything resolved it
    closed: CaseEvent | None

    @classmethod
    def of(cls, case: TrackedCase, now: datetime) -> _Stops:
        responded = case.first(EventKind.RESPONDED, now)
        resolved = case.first(EventKind.RESOLVED, now)
        closed = case.first(EventKind.CLOSED, now)
        cancelled = resolved is None and closed is not None and closed.data.get("outcome") == "cancelled"
        resolution = resolved.at if resolved else closed.at if closed else None
        # A response after resolution is implied by the resolution itself.
        response = responded.at if responded else resolution
        if response is not None and resolution is not None:
            response = min(response, resolution)
        return cls(response, resolution, cancelled, closed)


def _pause_reason(events: Sequence[CaseEvent], policy: SlaPolicy) -> str | None:
    """The reason of the last pause the policy honours."""
    reason: str | None = None
    for event in events:
        if event.kind is EventKind.PAUSED and event.data.get("reason") in policy.pause_on:
            reason = str(event.data["reason"])
    return reason


def _extension(events: Sequence[CaseEvent]) -> timedelta:
    """Time added to the resolution goal (e.g. a PAIA s26 extension)."""
    return sum(
        (
            timedelta(minutes=int(e.data.get("extend_minutes", 0)))
            for e in events
            if e.kind is EventKind.DUE_CHANGED
        ),
        ZERO,
    )


def _status(stops: _Stops, paused: bool, response: GoalState, resolution: GoalState | None) -> SlaStatus:
    if stops.cancelled:
        return SlaStatus.CANCELLED
    if response.breached or (resolution is not None and resolution.breached):
        return SlaStatus.BREACHED
    if stops.resolution is not None:
        return SlaStatus.MET
    if paused:
        return SlaStatus.PAUSED
    if response.at_risk or (resolution is not None and resolution.at_risk):
        return SlaStatus.AT_RISK
    return SlaStatus.RUNNING


def derive(case: TrackedCase, policy: SlaPolicy, time: WorkingTime, now: datetime) -> SlaState:
    """The SLA state of `case` under `policy` at instant `now` (events after `now` are not
    yet known). Deterministic: the same history, policy, calendar and instant give the same
    state."""
    events = case.history(now)
    segments = _running_segments(case, policy, events)
    stops = _Stops.of(case, now)
    # A stopped case is no longer paused, whatever its last pause said.
    paused = stops.resolution is None and (not segments or segments[-1][1] is not None)
    pause_reason = _pause_reason(events, policy) if paused else None

    def goal(minutes: timedelta, stop: datetime | None, at_risk_percent: int) -> GoalState:
        return _goal(segments, minutes, stop, now, at_risk_percent, time)

    response = goal(timedelta(minutes=policy.response_minutes), stops.response, policy.at_risk_percent)
    resolution = (
        None
        if stops.cancelled
        else goal(
            timedelta(minutes=policy.resolution_minutes) + _extension(events),
            stops.resolution,
            policy.at_risk_percent,
        )
    )
    escalation = goal(timedelta(minutes=policy.escalation_minutes), stops.resolution, 100)
    escalated = case.first(EventKind.ESCALATED, now)
    return SlaState(
        case=case,
        policy=policy,
        priority=case.priority_at(now),
        at=now,
        status=_status(stops, paused, response, resolution),
        paused=paused,
        pause_reason=pause_reason,
        response=response,
        resolution=resolution,
        escalation_due_at=escalation.due_at,
        escalation_due=escalation.breached and stops.resolution is None and escalated is None,
        escalated_at=None if escalated is None else escalated.at,
        closed_at=None if stops.closed is None else stops.closed.at,
    )


def can_pause(state: SlaState, reason: str) -> None:
    """A manual pause: only for a reason the policy honours, on a running case."""
    if reason not in state.policy.pause_on:
        raise SlaPauseNotAllowed(
            "The case's policy does not pause for this reason",
            details={"reason": reason, "pause_on": list(state.policy.pause_on)},
        )
    if state.closed_at is not None or (state.resolution is not None and state.resolution.stopped_at):
        raise SlaPauseNotAllowed("The case is already resolved or closed")
    if state.paused:
        raise SlaPauseNotAllowed("The case is already paused")


def can_resume(state: SlaState) -> None:
    if not state.paused:
        raise SlaPauseNotAllowed("The case is not paused")


def month_bounds(period: str) -> tuple[datetime, datetime]:
    """[start, end) of a month `YYYY-MM` in Africa/Windhoek, as UTC instants."""
    try:
        year_text, month_text = period.split("-")
        digits = year_text + month_text
        if len(year_text) != 4 or len(month_text) != 2 or not (digits.isascii() and digits.isdigit()):
            raise ValueError(period)
        year, month = int(year_text), int(month_text)
        if not within_business_years(year):
            raise ValueError(period)
        start = datetime(year, month, 1, tzinfo=WINDHOEK)
    except ValueError:
        years = f"{EARLIEST_BUSINESS_YEAR} to {LATEST_BUSINESS_YEAR}"
        raise SlaPeriodInvalid(
            details=[{"field": "period", "message": f"must be YYYY-MM, a year from {years}"}]
        ) from None
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=WINDHOEK)
    return start.astimezone(UTC), end.astimezone(UTC)

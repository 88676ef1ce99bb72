"""The escalation job with an in-memory store: each missed goal is marked, audited and
announced once, with the instant it was missed; a case met in time is left alone."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from elcorp.compliance.sla.application.sla import SlaTracking
from elcorp.compliance.sla.domain.business_calendar import BusinessHours, FixedHolidays, RoundTheClock
from elcorp.compliance.sla.domain.sla import CaseEvent, CaseType, ClockKind, EventKind
from elcorp.compliance.sla.domain.sla_events import SlaCaseEscalated, SlaGoalBreached

from .test_sla_feeds import Clock, MemorySlaStore, MemoryUnitOfWork, policy, windhoek

INCIDENT = CaseType.INCIDENT


@pytest.fixture
def world():
    # Round the clock: response 1 h, resolution 8 h, escalation 4 h after opening.
    store = MemorySlaStore([policy(INCIDENT, clock=ClockKind.ROUND_THE_CLOCK, pause_on=())])
    uow = MemoryUnitOfWork(store)
    clock = Clock(windhoek(22, 18))
    calendars = {
        ClockKind.BUSINESS_HOURS: BusinessHours(FixedHolidays.of([date(2026, 5, 25)])),
        ClockKind.ROUND_THE_CLOCK: RoundTheClock(),
    }
    tracking = SlaTracking(lambda: uow, access=None, calendars=calendars, clock=clock)  # type: ignore[arg-type]
    return store, uow, tracking


def test_each_missed_goal_is_marked_audited_and_announced_once_with_when_it_was_missed(world):
    store, uow, tracking = world
    case_id = uuid.uuid4()
    store.open_case(INCIDENT, case_id, "outage", "P1", windhoek(22, 8))

    first, second = tracking.escalate(), tracking.escalate()

    assert (first.breaches, first.escalated) == (2, 1)
    assert (second.breaches, second.escalated) == (0, 0)
    breached = [e for e in uow.committed_events if isinstance(e, SlaGoalBreached)]
    assert [(e.goal, e.breached_at) for e in breached] == [
        ("response", windhoek(22, 9)),
        ("resolution", windhoek(22, 16)),
    ]
    (escalated,) = [e for e in uow.committed_events if isinstance(e, SlaCaseEscalated)]
    assert (escalated.case_id, escalated.priority, escalated.resolution_due_at) == (
        case_id,
        "P1",
        windhoek(22, 16),
    )
    actions = [a.action for a in uow.committed_audit]
    assert actions == ["sla.goal_breached", "sla.goal_breached", "sla.case_escalated"]
    marks = [e.kind for e in store.rows[(INCIDENT, case_id)].events]
    assert marks.count(EventKind.RESPONSE_BREACHED) == marks.count(EventKind.RESOLUTION_BREACHED) == 1


def test_a_case_resolved_in_time_is_neither_breached_nor_escalated(world):
    store, uow, tracking = world
    case_id = uuid.uuid4()
    store.open_case(INCIDENT, case_id, "outage", "P1", windhoek(22, 8))
    store.append(INCIDENT, case_id, CaseEvent(EventKind.RESPONDED, windhoek(22, 8, 30)))
    store.append(INCIDENT, case_id, CaseEvent(EventKind.RESOLVED, windhoek(22, 11)))

    run = tracking.escalate()

    assert (run.breaches, run.escalated) == (0, 0)
    assert uow.committed_events == []
    assert uow.committed_audit == []


def test_a_breach_the_history_already_marks_is_not_announced_again(world):
    store, uow, tracking = world
    case_id = uuid.uuid4()
    store.open_case(INCIDENT, case_id, "outage", "P1", windhoek(22, 8))
    store.append(INCIDENT, case_id, CaseEvent(EventKind.RESPONSE_BREACHED, windhoek(22, 9, 5)))
    store.append(INCIDENT, case_id, CaseEvent(EventKind.ESCALATED, windhoek(22, 12, 5)))

    run = tracking.escalate()

    assert (run.breaches, run.escalated) == (1, 0)
    assert [e.goal for e in uow.committed_events if isinstance(e, SlaGoalBreached)] == ["resolution"]

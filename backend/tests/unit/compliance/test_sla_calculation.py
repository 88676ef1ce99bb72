"""The SLA state derived from a case's history: business hours across a weekend and a
Namibian public holiday (Africa Day, Monday 25 May 2026), pause and resume, extensions,
breaches, escalation — with the instant under test's control."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from elcorp.compliance.sla.domain.business_calendar import BusinessHours, FixedHolidays, RoundTheClock
from elcorp.compliance.sla.domain.sla import (
    ANY,
    CaseEvent,
    CaseType,
    ClockKind,
    EventKind,
    SlaPauseNotAllowed,
    SlaPolicy,
    SlaPolicyInvalid,
    SlaStatus,
    TrackedCase,
    can_pause,
    derive,
    select_policy,
)
from elcorp.shared.domain.clock import WINDHOEK

AFRICA_DAY = date(2026, 5, 25)  # a Monday
CALENDAR = BusinessHours(FixedHolidays.of([AFRICA_DAY]))


def windhoek(day: int, hour: int, minute: int = 0, month: int = 5) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=WINDHOEK).astimezone(UTC)


def policy(
    case_type: CaseType = CaseType.SERVICE_REQUEST,
    *,
    clock: ClockKind = ClockKind.BUSINESS_HOURS,
    response: int = 120,
    resolution: int = 480,
    escalation: int = 360,
    pause_on: tuple[str, ...] = ("awaiting_customer",),
    category: str = ANY,
    priority: str = ANY,
) -> SlaPolicy:
    return SlaPolicy(
        id=uuid.uuid4(),
        name="test",
        case_type=case_type,
        category=category,
        priority=priority,
        clock=clock,
        response_minutes=response,
        resolution_minutes=resolution,
        escalation_minutes=escalation,
        pause_on=pause_on,
    )


def case(*events: CaseEvent, opened_at: datetime | None = None, case_type=CaseType.SERVICE_REQUEST):
    opened = opened_at or windhoek(22, 16)  # Friday 16:00, before the Africa Day weekend
    return TrackedCase(
        case_type, uuid.uuid4(), "general", "normal", opened, (CaseEvent(EventKind.OPENED, opened), *events)
    )


def ev(kind: EventKind, at: datetime, **data) -> CaseEvent:
    return CaseEvent(kind, at, data)


def test_business_hours_skip_the_weekend_and_the_monday_public_holiday():
    # Friday 16:00-17:00 counts, Saturday, Sunday and Africa Day do not, Tuesday 08:00 on.
    assert CALENDAR.between(windhoek(22, 16), windhoek(26, 9)) == timedelta(hours=2)
    assert CALENDAR.add(windhoek(22, 16), timedelta(hours=8)) == windhoek(26, 15)


def test_a_case_opened_friday_afternoon_falls_due_on_tuesday_after_the_holiday():
    state = derive(case(), policy(), CALENDAR, windhoek(25, 12))  # Monday noon, the holiday

    assert state.status is SlaStatus.RUNNING
    assert state.response.elapsed == timedelta(hours=1)
    assert state.response.due_at == windhoek(26, 9)
    assert state.resolution is not None and state.resolution.due_at == windhoek(26, 15)
    assert state.resolution.remaining == timedelta(hours=7)


def test_a_pause_stops_both_clocks_and_the_resume_moves_the_due_time():
    history = case(
        ev(EventKind.RESPONDED, windhoek(26, 8, 30)),
        ev(EventKind.PAUSED, windhoek(26, 9), reason="awaiting_customer"),
        ev(EventKind.RESUMED, windhoek(26, 11)),
    )

    during = derive(history, policy(), CALENDAR, windhoek(26, 10))
    after = derive(history, policy(), CALENDAR, windhoek(26, 12))

    assert during.status is SlaStatus.PAUSED and during.paused and during.pause_reason == "awaiting_customer"
    assert during.resolution is not None and during.resolution.due_at is None
    assert during.resolution.elapsed == timedelta(hours=2)
    assert after.status is SlaStatus.RUNNING and not after.paused
    assert after.resolution is not None and after.resolution.elapsed == timedelta(hours=3)
    assert after.resolution.due_at == windhoek(26, 17)  # 15:00 + the two paused hours
    assert after.response.met is True


def test_a_pause_for_a_reason_the_policy_does_not_list_does_not_stop_the_clock():
    history = case(ev(EventKind.PAUSED, windhoek(26, 9), reason="lunch"))

    state = derive(history, policy(), CALENDAR, windhoek(26, 12))

    assert not state.paused
    assert state.resolution is not None and state.resolution.elapsed == timedelta(hours=5)


def test_the_goal_turns_at_risk_at_80_percent_and_breached_at_the_target():
    history = case(ev(EventKind.RESPONDED, windhoek(22, 16, 30)))

    risky = derive(history, policy(), CALENDAR, windhoek(26, 13, 30))  # 6.5 of 8 hours used
    late = derive(history, policy(), CALENDAR, windhoek(26, 16))

    assert risky.status is SlaStatus.AT_RISK and risky.resolution is not None
    assert risky.resolution.used_percent == 81
    assert late.status is SlaStatus.BREACHED
    assert late.resolution is not None and late.resolution.breached_at == windhoek(26, 15)
    assert late.resolution.met is False


def test_a_resolution_in_time_is_met_and_stays_met_later():
    history = case(ev(EventKind.RESPONDED, windhoek(22, 16, 30)), ev(EventKind.RESOLVED, windhoek(26, 10)))

    state = derive(history, policy(), CALENDAR, windhoek(29, 12))

    assert state.status is SlaStatus.MET
    assert state.resolution is not None and state.resolution.met is True
    assert state.resolution.elapsed == timedelta(hours=3)


def test_a_late_response_is_a_breach_even_if_resolved_in_time():
    history = case(ev(EventKind.RESPONDED, windhoek(26, 10)), ev(EventKind.RESOLVED, windhoek(26, 11)))

    state = derive(history, policy(), CALENDAR, windhoek(26, 12))

    assert state.response.breached and state.response.breached_at == windhoek(26, 9)
    assert state.resolution is not None and state.resolution.met is True
    assert state.status is SlaStatus.BREACHED


def test_escalation_is_due_once_its_time_has_run_and_not_after_escalating():
    history = case(ev(EventKind.RESPONDED, windhoek(22, 16, 30)))

    before = derive(history, policy(), CALENDAR, windhoek(26, 12, 59))
    due = derive(history, policy(), CALENDAR, windhoek(26, 13, 1))
    marked = TrackedCase(
        history.case_type,
        history.case_id,
        "general",
        "normal",
        history.opened_at,
        (*history.events, ev(EventKind.ESCALATED, windhoek(26, 13, 1))),
    )

    assert not before.escalation_due and before.escalation_due_at == windhoek(26, 13)
    assert due.escalation_due
    assert not derive(marked, policy(), CALENDAR, windhoek(26, 14)).escalation_due


def test_round_the_clock_counts_the_weekend_and_the_holiday():
    p1 = policy(
        CaseType.INCIDENT, clock=ClockKind.ROUND_THE_CLOCK, response=15, resolution=240, escalation=60
    )
    history = case(case_type=CaseType.INCIDENT)

    state = derive(history, p1, RoundTheClock(), windhoek(22, 16, 10))

    assert state.response.due_at == windhoek(22, 16, 15)
    assert state.resolution is not None and state.resolution.due_at == windhoek(22, 20)


def test_an_extension_moves_the_resolution_due_date_by_its_days():
    paia = policy(
        CaseType.PRIVACY_REQUEST,
        clock=ClockKind.ROUND_THE_CLOCK,
        response=4320,
        resolution=43200,
        escalation=30240,
        pause_on=(),
    )
    opened = windhoek(22, 16)
    history = case(
        ev(EventKind.RESPONDED, windhoek(23, 9)),
        ev(EventKind.DUE_CHANGED, windhoek(29, 9), extend_minutes=30 * 1440),
        opened_at=opened,
        case_type=CaseType.PRIVACY_REQUEST,
    )

    before = derive(history, paia, RoundTheClock(), windhoek(28, 9))
    after = derive(history, paia, RoundTheClock(), windhoek(29, 10))

    assert before.resolution is not None and before.resolution.due_at == opened + timedelta(days=30)
    assert after.resolution is not None and after.resolution.due_at == opened + timedelta(days=60)


def test_a_cancelled_case_has_no_resolution_goal():
    history = case(ev(EventKind.CLOSED, windhoek(26, 9), outcome="cancelled"))

    state = derive(history, policy(), CALENDAR, windhoek(26, 12))

    assert state.status is SlaStatus.CANCELLED and state.resolution is None


def test_events_after_the_instant_asked_about_are_not_yet_known():
    history = case(ev(EventKind.RESOLVED, windhoek(26, 10)))

    assert derive(history, policy(), CALENDAR, windhoek(26, 8, 30)).status is SlaStatus.RUNNING


def test_the_most_specific_active_policy_applies():
    general = policy()
    high = policy(priority="high", response=60)
    payments_high = policy(category="payments", priority="high", response=30)
    inactive = SlaPolicy(
        **{
            **{f: getattr(payments_high, f) for f in payments_high.__slots__},
            "id": uuid.uuid4(),
            "active": False,
        }
    )
    policies = [general, high, payments_high, inactive]

    assert select_policy(policies, CaseType.SERVICE_REQUEST, "payments", "high") is payments_high
    assert select_policy(policies, CaseType.SERVICE_REQUEST, "kyc", "high") is high
    assert select_policy(policies, CaseType.SERVICE_REQUEST, "kyc", "low") is general
    assert select_policy(policies, CaseType.INCIDENT, "kyc", "low") is None


def test_a_policy_with_impossible_goals_is_refused():
    with pytest.raises(SlaPolicyInvalid):
        policy(response=600, resolution=480)
    with pytest.raises(SlaPolicyInvalid):
        policy(escalation=0)


def test_a_manual_pause_needs_a_reason_the_policy_honours():
    state = derive(case(), policy(), CALENDAR, windhoek(26, 9))

    with pytest.raises(SlaPauseNotAllowed):
        can_pause(state, "lunch")
    can_pause(state, "awaiting_customer")

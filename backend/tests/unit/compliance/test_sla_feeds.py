"""The application side of SLA tracking with an in-memory store: what each published event
writes into a case's history, redelivery, the escalation job (once) and the report's
percentages — no database, time controlled."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

import pytest

from elcorp.compliance.domain.events import IncidentOpened, IncidentStatusChanged
from elcorp.compliance.privacy.domain.privacy_requests import PrivacyRequestExtended, PrivacyRequestFiled
from elcorp.compliance.sla.application.sla import ReportLine, SlaTracking
from elcorp.compliance.sla.application.sla_feeds import SlaFeeds
from elcorp.compliance.sla.domain.business_calendar import BusinessHours, FixedHolidays, RoundTheClock
from elcorp.compliance.sla.domain.sla import (
    ONCE_ONLY,
    CaseEvent,
    CaseType,
    ClockKind,
    EventKind,
    SlaPeriodInvalid,
    SlaPolicy,
    TrackedCase,
    month_bounds,
)
from elcorp.compliance.sla.domain.sla_events import SlaCaseEscalated
from elcorp.governance.domain.service_requests import ServiceRequestAssigned, ServiceRequestSubmitted
from elcorp.shared.domain.clock import WINDHOEK
from support.fakes import FakeUnitOfWork


def windhoek(day: int, hour: int, minute: int = 0, month: int = 5) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=WINDHOEK).astimezone(UTC)


@dataclass
class MemorySlaStore:
    policy_rows: list[SlaPolicy] = field(default_factory=list)
    rows: dict[tuple[CaseType, uuid.UUID], TrackedCase] = field(default_factory=dict)
    sources: set[tuple[uuid.UUID, EventKind]] = field(default_factory=set)

    def policies(self):
        return list(self.policy_rows)

    def open_case(self, case_type, case_id, category, priority, at):
        if (case_type, case_id) in self.rows:
            return False
        self.rows[(case_type, case_id)] = TrackedCase(
            case_type, case_id, category, priority, at, (CaseEvent(EventKind.OPENED, at),)
        )
        return True

    def append(self, case_type, case_id, event, *, source_event_id=None):
        case = self.rows.get((case_type, case_id))
        if case is None:
            return False
        if event.kind in ONCE_ONLY and any(e.kind is event.kind for e in case.events):
            return False
        if source_event_id is not None:
            if (source_event_id, event.kind) in self.sources:
                return False
            self.sources.add((source_event_id, event.kind))
        self.rows[(case_type, case_id)] = replace(case, events=(*case.events, event))
        return True

    def case(self, case_type, case_id, *, for_update=False):
        return self.rows.get((case_type, case_id))

    def cases(self, case_type=None, *, active_since=None, opened_before=None):
        return [c for c in self.rows.values() if case_type is None or c.case_type is case_type]


class MemoryUnitOfWork(FakeUnitOfWork):
    def __init__(self, store: MemorySlaStore) -> None:
        super().__init__()
        self.sla = store


@dataclass
class Clock:
    current: datetime

    def now(self) -> datetime:
        return self.current


def policy(case_type, priority="*", clock=ClockKind.BUSINESS_HOURS, pause_on=("awaiting_approval",)):
    return SlaPolicy(
        id=uuid.uuid4(),
        name=f"{case_type} {priority}",
        case_type=case_type,
        category="*",
        priority=priority,
        clock=clock,
        response_minutes=60,
        resolution_minutes=480,
        escalation_minutes=240,
        pause_on=pause_on,
    )


@pytest.fixture
def world():
    store = MemorySlaStore(
        [
            policy(CaseType.SERVICE_REQUEST),
            policy(CaseType.INCIDENT, clock=ClockKind.ROUND_THE_CLOCK, pause_on=()),
            policy(CaseType.PRIVACY_REQUEST, clock=ClockKind.ROUND_THE_CLOCK, pause_on=()),
        ]
    )
    uow = MemoryUnitOfWork(store)
    clock = Clock(windhoek(22, 16))
    calendars = {
        ClockKind.BUSINESS_HOURS: BusinessHours(FixedHolidays.of([date(2026, 5, 25)])),
        ClockKind.ROUND_THE_CLOCK: RoundTheClock(),
    }
    tracking = SlaTracking(lambda: uow, access=None, calendars=calendars, clock=clock)  # type: ignore[arg-type]
    return store, uow, clock, tracking, SlaFeeds(tracking)


def kinds(store, case_type, case_id):
    return [e.kind.value for e in store.rows[(case_type, case_id)].events]


def test_the_first_assignment_responds_and_pauses_for_approval_a_reassignment_does_nothing(world):
    store, _, _, _, feeds = world
    request_id = uuid.uuid4()
    feeds.on_service_request_event(
        ServiceRequestSubmitted(
            request_id=request_id,
            requester_id=uuid.uuid4(),
            category="kyc",
            priority="high",
            chain_version=1,
            occurred_at=windhoek(22, 16),
        )
    )
    for minute in (0, 30):
        feeds.on_service_request_event(
            ServiceRequestAssigned(
                request_id=request_id,
                assignee_kind="team",
                assignee_id=uuid.uuid4(),
                assigned_by=uuid.uuid4(),
                occurred_at=windhoek(26, 9, minute),
            )
        )

    assert kinds(store, CaseType.SERVICE_REQUEST, request_id) == ["opened", "responded", "paused"]
    assert store.rows[(CaseType.SERVICE_REQUEST, request_id)].events[2].data == {
        "reason": "awaiting_approval"
    }


def test_an_incident_status_change_records_the_new_priority_and_the_response_once(world):
    store, _, _, _, feeds = world
    incident_id = uuid.uuid4()
    feeds.on_incident_opened(
        IncidentOpened(
            incident_id=incident_id, type="aml", priority="P3", source="manual", occurred_at=windhoek(23, 1)
        )
    )
    change = IncidentStatusChanged(
        incident_id=incident_id, status="acknowledged", priority="P2", occurred_at=windhoek(23, 2)
    )

    feeds.on_incident_status_changed(change)
    feeds.on_incident_status_changed(change)  # redelivered

    assert kinds(store, CaseType.INCIDENT, incident_id) == ["opened", "priority_changed", "responded"]
    assert store.rows[(CaseType.INCIDENT, incident_id)].priority_at(windhoek(23, 3)) == "P2"


def test_events_for_an_untracked_case_are_ignored(world):
    store, _, _, _, feeds = world

    feeds.on_incident_status_changed(
        IncidentStatusChanged(incident_id=uuid.uuid4(), status="resolved", priority="P1")
    )

    assert store.rows == {}


def test_an_extension_becomes_a_due_change_in_minutes(world):
    store, _, _, _, feeds = world
    request_id = uuid.uuid4()
    feeds.on_privacy_request_filed(
        PrivacyRequestFiled(request_id=request_id, request_type="erasure", occurred_at=windhoek(1, 9))
    )

    feeds.on_privacy_request_extended(
        PrivacyRequestExtended(
            request_id=request_id, days=14, due_at=windhoek(14, 9, month=6), occurred_at=windhoek(20, 9)
        )
    )

    [_, due] = store.rows[(CaseType.PRIVACY_REQUEST, request_id)].events
    assert due.kind is EventKind.DUE_CHANGED and due.data["extend_minutes"] == 14 * 1440


def test_the_job_escalates_once_and_publishes_the_notice(world):
    _, uow, clock, tracking, feeds = world
    incident_id = uuid.uuid4()
    feeds.on_incident_opened(
        IncidentOpened(
            incident_id=incident_id,
            type="security",
            priority="P1",
            source="automatic",
            occurred_at=windhoek(23, 8),
        )
    )
    clock.current = windhoek(23, 11, 59)
    assert tracking.escalate().escalated == 0  # 4 h escalation not yet run

    clock.current = windhoek(23, 12, 1)
    first, second = tracking.escalate(), tracking.escalate()

    assert (first.escalated, second.escalated) == (1, 0)
    [notice] = [e for e in uow.committed_events if isinstance(e, SlaCaseEscalated)]
    assert notice.case_id == incident_id and notice.occurred_at == windhoek(23, 12, 1)
    assert [a.action for a in uow.committed_audit].count("sla.case_escalated") == 1


def test_percentages_round_half_up_to_one_decimal_and_none_when_nothing_was_decided():
    assert ReportLine.percent(2, 3) == "66.7"
    assert ReportLine.percent(1, 8) == "12.5"
    assert ReportLine.percent(3, 3) == "100.0"
    assert ReportLine.percent(0, 0) is None


def test_month_bounds_are_windhoek_midnights_and_a_bad_period_is_refused():
    assert month_bounds("2026-12") == (
        datetime(2026, 11, 30, 22, tzinfo=UTC),
        datetime(2026, 12, 31, 22, tzinfo=UTC),
    )
    for bad in ("2026-13", "2026-5", "May", "2026-05-01"):
        with pytest.raises(SlaPeriodInvalid):
            month_bounds(bad)


def test_pausing_a_case_needs_the_case_types_manage_permission(world):
    from elcorp.shared.domain.errors import AccessDenied

    store, uow, clock, _, feeds = world

    class NoGrants:
        def scope_of(self, permission):
            return None

    class Access:
        def grants_for(self, user_id):
            return NoGrants()

    tracking = SlaTracking(lambda: uow, Access(), {ClockKind.ROUND_THE_CLOCK: RoundTheClock()}, clock=clock)  # type: ignore[arg-type]
    incident_id = uuid.uuid4()
    feeds.on_incident_opened(
        IncidentOpened(
            incident_id=incident_id, type="aml", priority="P5", source="manual", occurred_at=windhoek(22, 9)
        )
    )

    with pytest.raises(AccessDenied):
        tracking.pause(uuid.uuid4(), CaseType.INCIDENT, incident_id, "awaiting_third_party")
    assert kinds(store, CaseType.INCIDENT, incident_id) == ["opened"]

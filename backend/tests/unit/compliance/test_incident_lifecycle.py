"""The incident aggregate, the priority matrix, the s22 record and the letter, without I/O."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from elcorp.compliance.domain.events import IncidentOpened, IncidentStatusChanged
from elcorp.compliance.incidents.domain.breach import (
    BreachNotification,
    Channel,
    NotificationIncomplete,
    NotificationTimeInvalid,
)
from elcorp.compliance.incidents.domain.breach_letter import LetterContext, breach_letter
from elcorp.compliance.incidents.domain.incidents import (
    Incident,
    IncidentClosed,
    IncidentStatus,
    IncidentType,
    InvalidIncidentTransition,
    PriorityMatrix,
    PriorityOutOfRange,
    ResolutionIncomplete,
    Severity,
)

NOW = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
MATRIX = PriorityMatrix()


def an_incident(impact: int = 2, urgency: int = 2) -> Incident:
    return Incident.open(
        type=IncidentType.SECURITY,
        title="Phishing",
        description="Mails imitating the sign-in page",
        impact=impact,
        urgency=urgency,
        matrix=MATRIX,
        at=NOW,
        by="staff-1",
    )


def test_the_default_matrix_gives_p1_to_p5():
    assert [MATRIX.priority(i, u) for i, u in ((1, 1), (1, 2), (2, 2), (2, 3), (3, 3))] == [
        "P1",
        "P2",
        "P3",
        "P4",
        "P5",
    ]


def test_a_configured_five_level_matrix_is_parsed_row_per_impact():
    matrix = PriorityMatrix.parse(
        "P1,P1,P2,P3,P3;P1,P2,P3,P3,P4;P2,P3,P3,P4,P4;P3,P3,P4,P4,P5;P3,P4,P4,P5,P5"
    )
    assert (matrix.impact_levels, matrix.urgency_levels) == (5, 5)
    assert matrix.priority(5, 5) == "P5" and matrix.priority(1, 2) == "P1"
    assert matrix.clamp(9, 0) == (5, 1)


@pytest.mark.parametrize("text", ["P1,P2;P3", "P1,P9", ""])
def test_a_malformed_matrix_is_refused(text):
    with pytest.raises(ValueError, match="priority matrix"):
        PriorityMatrix.parse(text)


def test_levels_outside_the_matrix_are_refused():
    with pytest.raises(PriorityOutOfRange):
        MATRIX.priority(4, 1)


def test_opening_logs_the_timeline_and_raises_incident_opened():
    incident = an_incident(1, 1)

    assert incident.priority == "P1" and incident.severity is Severity.CRITICAL
    assert [e.kind for e in incident.timeline] == ["opened"]
    (event,) = incident.events
    assert isinstance(event, IncidentOpened) and event.priority == "P1" and event.source == "manual"


def test_investigating_without_acknowledging_counts_as_the_response():
    incident = an_incident()
    incident.investigate("staff-1", NOW + timedelta(minutes=5))

    assert incident.status is IncidentStatus.INVESTIGATING
    assert incident.acknowledged_at == NOW + timedelta(minutes=5)


def test_a_closed_incident_refuses_moves_and_edits_but_takes_notes():
    incident = an_incident()
    incident.resolve("staff-1", NOW, root_cause="Leaked list", note=None)
    incident.close("staff-1", NOW)

    with pytest.raises(InvalidIncidentTransition):
        incident.acknowledge("staff-1", NOW)
    with pytest.raises(IncidentClosed):
        incident.update({"severity": "low"}, MATRIX, "staff-1", NOW)
    incident.add_note("staff-1", NOW, "Lessons learned shared")
    assert incident.timeline[-1].note == "Lessons learned shared"


def test_resolving_needs_a_root_cause_or_a_note():
    incident = an_incident()
    with pytest.raises(ResolutionIncomplete):
        incident.resolve("staff-1", NOW, root_cause="  ", note=None)
    incident.root_cause = "Known already"
    incident.resolve("staff-1", NOW, root_cause=None, note=None)
    assert incident.status is IncidentStatus.RESOLVED


def test_a_new_urgency_recomputes_the_priority_and_raises_a_status_event():
    incident = an_incident(2, 3)
    incident.events.clear()

    diff = incident.update({"urgency": 1}, MATRIX, "staff-1", NOW)

    assert diff == {"urgency": [3, 1], "priority": ["P4", "P2"]}
    (event,) = incident.events
    assert isinstance(event, IncidentStatusChanged) and event.priority == "P2" and event.status == "open"


def test_an_update_that_changes_nothing_logs_nothing():
    incident = an_incident()
    assert incident.update({"severity": incident.severity.value}, MATRIX, "staff-1", NOW) == {}
    assert len(incident.timeline) == 1


def a_breach(discovered: datetime = NOW) -> BreachNotification:
    return BreachNotification.record(
        uuid.uuid4(),
        discovered_at=discovered,
        consequences="Emails exposed",
        measures="Link revoked",
        recommendations="Beware of phishing",
        unauthorised_party=None,
        by="staff-1",
        now=NOW + timedelta(days=5),
    )


def test_a_breach_is_within_the_target_only_when_both_notifications_are_in_time():
    breach = a_breach()
    assert breach.within_target(72) is None and breach.overdue(NOW + timedelta(hours=73), 72)

    breach.notify_regulator(NOW + timedelta(hours=10), "IR-1", NOW + timedelta(days=5))
    breach.notify_subjects(NOW + timedelta(hours=73), Channel.EMAIL, NOW + timedelta(days=5))

    assert breach.complete and breach.within_target(72) is False and breach.within_target(96) is True
    assert not breach.overdue(NOW + timedelta(days=30), 72)


def test_notifications_need_a_reference_or_a_channel_and_a_sane_time():
    breach = a_breach()
    later = NOW + timedelta(days=5)
    with pytest.raises(NotificationIncomplete):
        breach.notify_regulator(NOW, None, later)
    with pytest.raises(NotificationIncomplete):
        breach.notify_subjects(NOW, None, later)
    with pytest.raises(NotificationTimeInvalid):
        breach.notify_regulator(NOW - timedelta(minutes=1), "IR", later)
    with pytest.raises(NotificationTimeInvalid):
        breach.notify_subjects(later + timedelta(hours=1), Channel.POST, later)


def test_the_discovery_cannot_move_after_a_recorded_notification():
    breach = a_breach()
    breach.notify_regulator(NOW + timedelta(hours=1), "IR", NOW + timedelta(days=5))
    with pytest.raises(NotificationTimeInvalid):
        breach.rediscover(NOW + timedelta(hours=2), NOW + timedelta(days=5))


def test_the_letter_carries_the_s22_5_content_and_the_regulator_line():
    breach = a_breach()
    context = LetterContext("Elcorp Namibia (Pty) Ltd", "Windhoek, Namibia", "privacy@elcorp.na")

    before = breach_letter(breach, "INC-1", context, NOW).text
    breach.notify_regulator(NOW + timedelta(hours=1), "IR-2026-7", NOW + timedelta(days=5))
    after = breach_letter(breach, "INC-1", context, NOW).text

    for part in ("Emails exposed", "Link revoked", "Beware of phishing", "Not known at the time of writing."):
        assert part in before
    assert "We are notifying the Information Regulator" in before
    assert "(reference IR-2026-7)" in after
    assert "02 December 2026, 10:00 (Windhoek time)" in before  # discovery in local time

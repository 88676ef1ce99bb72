"""Incident use cases: staff open and work incidents; alarm events open them automatically
(incidents_alarms.py). One transaction per command: the incident, its new timeline
entries, the audit entry and the outbox events (IncidentOpened / IncidentStatusChanged,
which the SLA tracking follows) commit together or not at all.

Audit actions: `incident.opened`, `incident.updated`, `incident.<acknowledged|investigating|
resolved|closed>`, `incident.note_added`, `incident.alarm_repeated`. Free text (description,
notes, root cause) stays out of the audit trail: the entry names the fields that changed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from elcorp.compliance.incidents.application.breach_ports import BreachStore
from elcorp.compliance.incidents.domain.breach import BreachNotification
from elcorp.compliance.incidents.domain.incidents import (
    SYSTEM,
    Incident,
    IncidentStatus,
    IncidentType,
    OwnerNotEligible,
    PriorityMatrix,
    Severity,
    Source,
)
from elcorp.governance.application.api import AccessControl
from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.application.pagination import Page, PageRequest
from elcorp.shared.application.unit_of_work import UnitOfWork
from elcorp.shared.domain.clock import Clock, SystemClock
from elcorp.shared.domain.errors import NotFound

MANAGE = "incident:manage"
# Fields whose values may be personal or long: the audit entry names them, not their values.
FREE_TEXT = frozenset(
    {"title", "description", "root_cause", "remediation", "post_incident_actions", "affected_systems"}
)


@dataclass(frozen=True, slots=True)
class IncidentQuery:
    page: PageRequest
    status: IncidentStatus | None = None
    type: IncidentType | None = None
    priority: str | None = None
    source: Source | None = None


class AlarmIncidentExists(Exception):
    """Another worker opened the active incident of this alarm first (unique index)."""


class IncidentStore(Protocol):
    def add(self, incident: Incident) -> None:
        """Insert with its timeline; AlarmIncidentExists if an active incident holds its alarm key."""
        ...

    def save(self, incident: Incident) -> None:
        """Update the row and append the incident's new timeline entries."""
        ...

    def get(self, incident_id: uuid.UUID, *, for_update: bool = False) -> Incident | None: ...

    def active_for_alarm(self, alarm_key: str, *, for_update: bool = False) -> Incident | None: ...

    def has_seen_event(self, event_id: uuid.UUID) -> bool:
        """Has an event with this id already been recorded on some incident's timeline?"""
        ...

    def search(self, query: IncidentQuery) -> tuple[list[Incident], int]: ...

    def opened_between(self, start: datetime, end: datetime) -> list[Incident]: ...


class LockoutSignals(Protocol):
    def record(
        self, event_id: uuid.UUID, ip: str, user_id: uuid.UUID | None, at: datetime, window_seconds: int
    ) -> int:
        """Store one account lockout seen from `ip` (idempotent by event id), forget those older
        than the window, and return how many lockouts from `ip` the window holds."""
        ...


class IncidentsUnitOfWork(UnitOfWork, Protocol):
    @property
    def incidents(self) -> IncidentStore: ...

    @property
    def breaches(self) -> BreachStore: ...

    @property
    def lockouts(self) -> LockoutSignals: ...


class StaffDirectory(Protocol):
    """Identity's public API, as incidents need it."""

    def active_among(self, user_ids: Collection[uuid.UUID]) -> frozenset[uuid.UUID]: ...


@dataclass(frozen=True, slots=True)
class NewIncident:
    type: IncidentType
    title: str
    description: str
    impact: int
    urgency: int
    severity: Severity | None = None
    owner_id: uuid.UUID | None = None
    affected_systems: list[str] = field(default_factory=list)
    data_categories: list[str] = field(default_factory=list)
    affected_subjects: int | None = None


@dataclass(frozen=True, slots=True)
class Alarm:
    """An alarm event, as an incident sees it: `key` de-duplicates (one active incident per
    key; a repeat becomes a timeline note)."""

    key: str
    event_id: uuid.UUID
    occurred_at: datetime
    type: IncidentType
    title: str
    description: str
    impact: int
    urgency: int
    severity: Severity
    facts: dict[str, Any]
    affected_systems: tuple[str, ...] = ()
    affected_subjects: int | None = None


@dataclass(frozen=True, slots=True)
class IncidentView:
    incident: Incident
    breach: BreachNotification | None


class Incidents:
    def __init__(
        self,
        uow: Callable[[], IncidentsUnitOfWork],
        access: AccessControl,
        staff: StaffDirectory,
        *,
        matrix: PriorityMatrix | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._uow = uow
        self._access = access
        self._staff = staff
        self.matrix = matrix or PriorityMatrix()
        self._clock = clock or SystemClock()

    def now(self) -> datetime:
        return self._clock.now()

    # -- staff -------------------------------------------------------------------------------
    def open(self, actor: uuid.UUID, new: NewIncident) -> Incident:
        if new.owner_id is not None:
            self._check_owner(new.owner_id)
        now = self._clock.now()
        incident = Incident.open(
            type=new.type,
            title=new.title,
            description=new.description,
            impact=new.impact,
            urgency=new.urgency,
            matrix=self.matrix,
            at=now,
            by=str(actor),
            severity=new.severity,
            owner_id=new.owner_id,
            affected_systems=new.affected_systems,
            data_categories=new.data_categories,
            affected_subjects=new.affected_subjects,
        )
        with self._uow() as uow:
            uow.incidents.add(incident)
            self._opened(uow, incident, str(actor))
            uow.commit()
        return incident

    def list(self, query: IncidentQuery) -> Page[IncidentView]:
        """A page of incidents, each with its breach-notification record if it has one."""
        with self._uow() as uow:
            items, total = uow.incidents.search(query)
            breaches = uow.breaches.of_incidents([i.id for i in items])
        views = [IncidentView(i, breaches.get(i.id)) for i in items]
        return Page(views, query.page.page, query.page.per_page, total)

    def get(self, incident_id: uuid.UUID) -> IncidentView:
        with self._uow() as uow:
            incident = uow.incidents.get(incident_id)
            if incident is None:
                raise NotFound("Incident not found")
            return IncidentView(incident, uow.breaches.get(incident_id))

    def update(self, actor: uuid.UUID, incident_id: uuid.UUID, changes: dict[str, Any]) -> Incident:
        owner = changes.get("owner_id")
        if owner is not None:
            self._check_owner(owner)

        def act(incident: Incident, now: datetime) -> Changes:
            diff = incident.update(changes, self.matrix, str(actor), now)
            return _audit_changes(diff)

        return self._act(actor, incident_id, "updated", act)

    def acknowledge(self, actor: uuid.UUID, incident_id: uuid.UUID) -> Incident:
        return self._move(actor, incident_id, "acknowledged", lambda i, now: i.acknowledge(str(actor), now))

    def investigate(self, actor: uuid.UUID, incident_id: uuid.UUID) -> Incident:
        return self._move(actor, incident_id, "investigating", lambda i, now: i.investigate(str(actor), now))

    def resolve(
        self, actor: uuid.UUID, incident_id: uuid.UUID, *, root_cause: str | None, note: str | None
    ) -> Incident:
        return self._move(
            actor,
            incident_id,
            "resolved",
            lambda i, now: i.resolve(str(actor), now, root_cause=root_cause, note=note),
        )

    def close(self, actor: uuid.UUID, incident_id: uuid.UUID, note: str | None) -> Incident:
        return self._move(actor, incident_id, "closed", lambda i, now: i.close(str(actor), now, note))

    def add_note(self, actor: uuid.UUID, incident_id: uuid.UUID, note: str) -> Incident:
        def act(incident: Incident, now: datetime) -> Changes:
            incident.add_note(str(actor), now, note)
            return Changes(after={"timeline": len(incident.timeline)})

        return self._act(actor, incident_id, "note_added", act)

    # -- alarms --------------------------------------------------------------------------------
    def raise_alarm(self, alarm: Alarm) -> Incident | None:
        """Open the automatic incident of an alarm, or, while one is active for its key, add
        the repeat to its timeline. Idempotent: a redelivered event changes nothing."""
        impact, urgency = self.matrix.clamp(alarm.impact, alarm.urgency)
        facts = {**alarm.facts, "event_id": str(alarm.event_id)}
        for _attempt in range(3):
            with self._uow() as uow:
                if uow.incidents.has_seen_event(alarm.event_id):
                    return None
                now = self._clock.now()
                active = uow.incidents.active_for_alarm(alarm.key, for_update=True)
                if active is not None:
                    active.add_note(SYSTEM, now, f"Alarm repeated: {alarm.title}", kind="alarm", data=facts)
                    uow.incidents.save(active)
                    uow.audit.record(
                        "incident.alarm_repeated",
                        Actor(SYSTEM),
                        Resource("incident", str(active.id)),
                        Changes(after={"alarm_key": alarm.key, "event_id": str(alarm.event_id)}),
                    )
                    uow.commit()
                    return active
                incident = Incident.open(
                    type=alarm.type,
                    title=alarm.title,
                    description=alarm.description,
                    impact=impact,
                    urgency=urgency,
                    matrix=self.matrix,
                    at=now,
                    by=SYSTEM,
                    source=Source.AUTOMATIC,
                    severity=alarm.severity,
                    affected_systems=list(alarm.affected_systems),
                    affected_subjects=alarm.affected_subjects,
                    alarm_key=alarm.key,
                    facts=facts,
                )
                try:
                    uow.incidents.add(incident)
                except AlarmIncidentExists:
                    continue  # opened meanwhile by another worker: add the note to it
                self._opened(uow, incident, SYSTEM)
                uow.commit()
                return incident
        return None

    def record_lockout(
        self, event_id: uuid.UUID, ip: str, user_id: uuid.UUID | None, at: datetime, window_seconds: int
    ) -> int:
        with self._uow() as uow:
            count = uow.lockouts.record(event_id, ip, user_id, at, window_seconds)
            uow.commit()
        return count

    # -- helpers ---------------------------------------------------------------------------
    def _check_owner(self, owner: uuid.UUID) -> None:
        eligible = owner in self._staff.active_among([owner]) and (
            self._access.grants_for(owner).scope_of(MANAGE) is not None
        )
        if not eligible:
            raise OwnerNotEligible(details=[{"field": "owner_id", "message": "may not manage incidents"}])

    def _opened(self, uow: IncidentsUnitOfWork, incident: Incident, actor: str) -> None:
        uow.audit.record(
            "incident.opened",
            Actor(actor),
            Resource("incident", str(incident.id)),
            Changes(
                after={
                    "type": incident.type.value,
                    "priority": incident.priority,
                    "severity": incident.severity.value,
                    "source": incident.source.value,
                    "status": incident.status.value,
                    **({"alarm_key": incident.alarm_key} if incident.alarm_key else {}),
                }
            ),
        )
        self._publish(uow, incident)

    @staticmethod
    def _publish(uow: IncidentsUnitOfWork, incident: Incident) -> None:
        for event in incident.events:
            uow.publish(event)
        incident.events.clear()

    def _move(
        self,
        actor: uuid.UUID,
        incident_id: uuid.UUID,
        verb: str,
        change: Callable[[Incident, datetime], None],
    ) -> Incident:
        def act(incident: Incident, now: datetime) -> Changes:
            before = incident.status.value
            change(incident, now)
            return Changes(
                {"status": before}, {"status": incident.status.value, "priority": incident.priority}
            )

        return self._act(actor, incident_id, verb, act)

    def _act(
        self,
        actor: uuid.UUID,
        incident_id: uuid.UUID,
        verb: str,
        act: Callable[[Incident, datetime], Changes],
    ) -> Incident:
        with self._uow() as uow:
            incident = uow.incidents.get(incident_id, for_update=True)
            if incident is None:
                raise NotFound("Incident not found")
            changes = act(incident, self._clock.now())
            if not incident.new_entries:  # nothing changed: nothing to store or audit
                return incident
            uow.incidents.save(incident)
            uow.audit.record(
                f"incident.{verb}", Actor(str(actor)), Resource("incident", str(incident.id)), changes
            )
            self._publish(uow, incident)
            uow.commit()
        return incident


def _audit_changes(diff: dict[str, Any]) -> Changes:
    before = {k: ("[changed]" if k in FREE_TEXT else v[0]) for k, v in diff.items()}
    after = {k: ("[changed]" if k in FREE_TEXT else v[1]) for k, v in diff.items()}
    return Changes(before, after)

"""Incidents: what went wrong, who owns it, how urgent it is and, minute by minute, what was
done (ITIL incident management; a timeline in the style of incident-response tools).

    open --acknowledge--> acknowledged --investigate--> investigating --resolve--> resolved --close--> closed
      \\--------------------------------investigate-------/                          ^
       \\------------------------------resolve-------------------------------------/

- `open`: reported (by staff, or automatically from an alarm event); nobody has taken it.
- `acknowledged`: someone responded (the SLA's response clock stops here).
- `investigating`: the cause is being worked.
- `resolved`: service restored; needs a root cause or a resolution note.
- `closed`: final; only timeline notes may still be added.

Priority is the ITIL matrix of impact (1 = high .. n = low) and urgency (same scale),
configurable (PriorityMatrix); it is recomputed whenever impact or urgency changes.
Every change appends a timeline entry (who, when, what): the timeline is append-only.
Pure: standard library and the shared kernel only.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from elcorp.compliance.domain.events import IncidentOpened, IncidentStatusChanged
from elcorp.shared.domain.errors import DomainError
from elcorp.shared.domain.events import DomainEvent

SYSTEM = "system"


class IncidentType(StrEnum):
    SECURITY = "security"
    PRIVACY = "privacy"
    AVAILABILITY = "availability"
    AML = "aml"
    OPERATIONAL = "operational"


class IncidentStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    INVESTIGATING = "investigating"
    RESOLVED = "resolved"
    CLOSED = "closed"


ACTIVE = frozenset({IncidentStatus.OPEN, IncidentStatus.ACKNOWLEDGED, IncidentStatus.INVESTIGATING})


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Source(StrEnum):
    MANUAL = "manual"
    AUTOMATIC = "automatic"


# -- errors (INC_ codes; HTTP statuses in shared.interfaces.errors) ----------------------------
class InvalidIncidentTransition(DomainError):
    code = "INC_001"
    status = 409
    default_message = "The incident's status does not allow this action"


class ResolutionIncomplete(DomainError):
    code = "INC_002"
    default_message = "Resolving an incident needs its root cause or a resolution note"


class IncidentClosed(DomainError):
    code = "INC_003"
    status = 409
    default_message = "A closed incident cannot be changed; add a timeline note instead"


class PriorityOutOfRange(DomainError):
    code = "INC_004"
    default_message = "Impact and urgency must be levels of the priority matrix"


class OwnerNotEligible(DomainError):
    code = "INC_005"
    default_message = "The owner must be an active user who may manage incidents"


# -- the priority matrix -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PriorityMatrix:
    """ITIL: priority = f(impact, urgency). Rows are impact levels (1 = high first), columns
    urgency levels (1 = high first). The default is the common 3 x 3 matrix:

                    urgency 1  urgency 2  urgency 3
        impact 1       P1         P2         P3
        impact 2       P2         P3         P4
        impact 3       P3         P4         P5
    """

    grid: tuple[tuple[str, ...], ...] = (("P1", "P2", "P3"), ("P2", "P3", "P4"), ("P3", "P4", "P5"))

    def __post_init__(self) -> None:
        if not self.grid or any(len(row) != len(self.grid[0]) for row in self.grid):
            raise ValueError("the priority matrix must be a non-empty rectangle")
        if any(cell not in {"P1", "P2", "P3", "P4", "P5"} for row in self.grid for cell in row):
            raise ValueError("priority matrix cells must be P1..P5")

    @classmethod
    def parse(cls, text: str) -> PriorityMatrix:
        """`P1,P2,P3;P2,P3,P4;P3,P4,P5`: one row per impact level, `;` between rows."""
        rows = tuple(
            tuple(c.strip().upper() for c in row.split(",")) for row in text.split(";") if row.strip()
        )
        return cls(rows)

    @property
    def impact_levels(self) -> int:
        return len(self.grid)

    @property
    def urgency_levels(self) -> int:
        return len(self.grid[0])

    def priority(self, impact: int, urgency: int) -> str:
        problems = []
        if not 1 <= impact <= self.impact_levels:
            problems.append({"field": "impact", "message": f"must be 1-{self.impact_levels}"})
        if not 1 <= urgency <= self.urgency_levels:
            problems.append({"field": "urgency", "message": f"must be 1-{self.urgency_levels}"})
        if problems:
            raise PriorityOutOfRange(details=problems)
        return self.grid[impact - 1][urgency - 1]

    def clamp(self, impact: int, urgency: int) -> tuple[int, int]:
        """An alarm's (impact, urgency) fitted to this matrix (1 stays the highest level)."""
        return min(max(impact, 1), self.impact_levels), min(max(urgency, 1), self.urgency_levels)


# -- the aggregate -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One line of the timeline: who (a user id or `system`), when, what."""

    at: datetime
    actor: str
    kind: str  # opened | status | updated | note | alarm | breach_* ...
    note: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


EDITABLE = (
    "title",
    "description",
    "severity",
    "owner_id",
    "impact",
    "urgency",
    "affected_systems",
    "data_categories",
    "affected_subjects",
    "root_cause",
    "remediation",
    "post_incident_actions",
)


@dataclass
class Incident:
    id: uuid.UUID
    type: IncidentType
    title: str
    description: str
    impact: int
    urgency: int
    priority: str
    severity: Severity
    status: IncidentStatus
    source: Source
    opened_at: datetime
    reported_by: str
    owner_id: uuid.UUID | None = None
    affected_systems: list[str] = field(default_factory=list)
    data_categories: list[str] = field(default_factory=list)
    affected_subjects: int | None = None
    root_cause: str | None = None
    remediation: str | None = None
    post_incident_actions: str | None = None
    resolution_note: str | None = None
    alarm_key: str | None = None
    acknowledged_at: datetime | None = None
    investigating_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    timeline: list[TimelineEntry] = field(default_factory=list)
    # Not stored as such: what this unit of work added, for the store and the outbox.
    new_entries: list[TimelineEntry] = field(default_factory=list, repr=False)
    events: list[DomainEvent] = field(default_factory=list, repr=False)

    @classmethod
    def open(
        cls,
        *,
        type: IncidentType,
        title: str,
        description: str,
        impact: int,
        urgency: int,
        matrix: PriorityMatrix,
        at: datetime,
        by: str,
        source: Source = Source.MANUAL,
        severity: Severity | None = None,
        owner_id: uuid.UUID | None = None,
        affected_systems: list[str] | None = None,
        data_categories: list[str] | None = None,
        affected_subjects: int | None = None,
        alarm_key: str | None = None,
        facts: dict[str, Any] | None = None,
    ) -> Incident:
        priority = matrix.priority(impact, urgency)
        incident = cls(
            id=uuid.uuid4(),
            type=type,
            title=title,
            description=description,
            impact=impact,
            urgency=urgency,
            priority=priority,
            severity=severity or default_severity(priority),
            status=IncidentStatus.OPEN,
            source=source,
            opened_at=at,
            reported_by=by,
            owner_id=owner_id,
            affected_systems=list(affected_systems or []),
            data_categories=list(data_categories or []),
            affected_subjects=affected_subjects,
            alarm_key=alarm_key,
        )
        incident._record_opening(at, by, facts)
        return incident

    def _record_opening(self, at: datetime, by: str, facts: dict[str, Any] | None) -> None:
        """The timeline's first entry (with the facts that raised an automatic incident)
        and the event that starts the SLA clock and the alarms."""
        self._log(
            at,
            by,
            "opened",
            None,
            {
                "type": self.type.value,
                "priority": self.priority,
                "severity": self.severity.value,
                "source": self.source.value,
                **({"facts": facts} if facts else {}),
            },
        )
        self.events.append(
            IncidentOpened(
                incident_id=self.id,
                type=self.type.value,
                priority=self.priority,
                source=self.source.value,
                occurred_at=at,
            )
        )

    # -- queries ---------------------------------------------------------------------------
    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    # -- transitions -----------------------------------------------------------------------
    def acknowledge(self, by: str, at: datetime) -> None:
        self._move("acknowledge", {IncidentStatus.OPEN}, IncidentStatus.ACKNOWLEDGED, by, at)
        self.acknowledged_at = at

    def investigate(self, by: str, at: datetime) -> None:
        self._move(
            "investigate",
            {IncidentStatus.OPEN, IncidentStatus.ACKNOWLEDGED},
            IncidentStatus.INVESTIGATING,
            by,
            at,
        )
        self.investigating_at = at
        if self.acknowledged_at is None:  # working it is responding to it
            self.acknowledged_at = at

    def resolve(self, by: str, at: datetime, *, root_cause: str | None, note: str | None) -> None:
        self._require("resolve", ACTIVE)
        cause = (root_cause or "").strip() or self.root_cause
        if not cause and not (note or "").strip():
            raise ResolutionIncomplete(
                details=[{"field": "root_cause", "message": "give the root cause or a resolution note"}]
            )
        if root_cause and root_cause.strip() and root_cause != self.root_cause:
            self.root_cause = root_cause.strip()
        if note and note.strip():
            self.resolution_note = note.strip()
        self._move(
            "resolve",
            ACTIVE,
            IncidentStatus.RESOLVED,
            by,
            at,
            note=self.resolution_note,
            extra={"root_cause": self.root_cause},
        )
        self.resolved_at = at
        if self.acknowledged_at is None:
            self.acknowledged_at = at

    def close(self, by: str, at: datetime, note: str | None = None) -> None:
        self._move("close", {IncidentStatus.RESOLVED}, IncidentStatus.CLOSED, by, at, note=note)
        self.closed_at = at

    def add_note(
        self, by: str, at: datetime, note: str, *, kind: str = "note", data: dict[str, Any] | None = None
    ) -> None:
        """A note may be added in every state, closed included (the record keeps growing)."""
        self._log(at, by, kind, note, data or {})

    def update(
        self, changes: dict[str, Any], matrix: PriorityMatrix, by: str, at: datetime
    ) -> dict[str, Any]:
        """Apply the given fields (EDITABLE only); returns {field: [before, after]} of what
        changed. A new impact or urgency recomputes the priority (an SLA event)."""
        if self.status is IncidentStatus.CLOSED:
            raise IncidentClosed()
        unknown = set(changes) - set(EDITABLE)
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        impact = int(changes.get("impact", self.impact))
        urgency = int(changes.get("urgency", self.urgency))
        priority = matrix.priority(impact, urgency)
        diff: dict[str, Any] = {}
        for name, value in changes.items():
            before = getattr(self, name)
            if isinstance(before, StrEnum):
                value = type(before)(value)
            if before != value:
                setattr(self, name, value)
                diff[name] = [_plain(before), _plain(value)]
        if priority != self.priority:
            diff["priority"] = [self.priority, priority]
            self.priority = priority
        if diff:
            self._log(at, by, "updated", None, {"changes": diff})
            if "priority" in diff:
                self._status_event(at)
        return diff

    # -- helpers ---------------------------------------------------------------------------
    def _require(self, action: str, allowed: frozenset[IncidentStatus] | set[IncidentStatus]) -> None:
        if self.status not in allowed:
            raise InvalidIncidentTransition(
                f"Cannot {action} an incident that is {self.status.value}",
                details={"status": self.status.value, "allowed_from": sorted(s.value for s in allowed)},
            )

    def _move(
        self,
        action: str,
        allowed: frozenset[IncidentStatus] | set[IncidentStatus],
        to: IncidentStatus,
        by: str,
        at: datetime,
        *,
        note: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self._require(action, allowed)
        before = self.status
        self.status = to
        self._log(at, by, "status", note, {"from": before.value, "to": to.value, **(extra or {})})
        self._status_event(at)

    def _status_event(self, at: datetime) -> None:
        self.events.append(
            IncidentStatusChanged(
                incident_id=self.id, status=self.status.value, priority=self.priority, occurred_at=at
            )
        )

    def _log(self, at: datetime, by: str, kind: str, note: str | None, data: dict[str, Any]) -> None:
        entry = TimelineEntry(at, by, kind, note, data)
        self.timeline.append(entry)
        self.new_entries.append(entry)


def default_severity(priority: str) -> Severity:
    """Without a stated severity: P1 critical, P2 high, P3 medium, P4-P5 low."""
    return {"P1": Severity.CRITICAL, "P2": Severity.HIGH, "P3": Severity.MEDIUM}.get(priority, Severity.LOW)


def _plain(value: Any) -> Any:
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list):
        return list(value)
    return value

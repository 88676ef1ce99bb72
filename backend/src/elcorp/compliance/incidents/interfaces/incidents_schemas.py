"""Request and response models of the incident and breach-notification API (pydantic v2;
unknown fields refused). Schema names are unique across the whole API: the OpenAPI document
names them by class."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from elcorp.shared.interfaces.pagination import ListQuery

TypeName = Literal["security", "privacy", "availability", "aml", "operational"]
StatusName = Literal["open", "acknowledged", "investigating", "resolved", "closed"]
SeverityName = Literal["low", "medium", "high", "critical"]
PriorityName = Literal["P1", "P2", "P3", "P4", "P5"]
ChannelName = Literal["post", "email", "website", "news_media", "as_directed_by_regulator"]
Level = Field(ge=1, le=5, description="1 = high; the configured matrix sets the highest level (default 3)")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IncidentCreateBody(Strict):
    type: TypeName
    title: str = Field(min_length=3, max_length=200)
    description: str = Field(min_length=1, max_length=8000)
    impact: int = Level
    urgency: int = Level
    severity: SeverityName | None = Field(default=None, description="Default from the priority")
    affected_systems: list[str] = Field(default_factory=list, max_length=50)
    data_categories: list[str] = Field(default_factory=list, max_length=50)
    affected_subjects: int | None = Field(default=None, ge=0)
    owner_id: uuid.UUID | None = None


class IncidentUpdateBody(Strict):
    title: str | None = Field(default=None, min_length=3, max_length=200)
    description: str | None = Field(default=None, min_length=1, max_length=8000)
    severity: SeverityName | None = None
    owner_id: uuid.UUID | None = None
    impact: int | None = Field(default=None, ge=1, le=5)
    urgency: int | None = Field(default=None, ge=1, le=5)
    affected_systems: list[str] | None = Field(default=None, max_length=50)
    data_categories: list[str] | None = Field(default=None, max_length=50)
    affected_subjects: int | None = Field(default=None, ge=0)
    root_cause: str | None = Field(default=None, max_length=4000)
    remediation: str | None = Field(default=None, max_length=4000)
    post_incident_actions: str | None = Field(default=None, max_length=4000)


class IncidentPath(Strict):
    incident_id: uuid.UUID


class IncidentListQuery(ListQuery):
    status: StatusName | None = None
    type: TypeName | None = None
    priority: PriorityName | None = None
    source: Literal["manual", "automatic"] | None = None


class IncidentNoteBody(Strict):
    note: str = Field(min_length=1, max_length=4000)


class IncidentCloseBody(Strict):
    note: str | None = Field(default=None, max_length=4000)


class IncidentResolveBody(Strict):
    root_cause: str | None = Field(default=None, max_length=4000)
    note: str | None = Field(default=None, max_length=4000, description="Resolution note")


class BreachNotificationBody(Strict):
    discovered_at: AwareDatetime
    consequences: str = Field(min_length=3, max_length=4000, description="s22(5)(a) possible consequences")
    measures: str = Field(min_length=3, max_length=4000, description="s22(5)(b) measures taken or intended")
    recommendations: str = Field(
        min_length=3, max_length=4000, description="s22(5)(c) what the data subjects should do"
    )
    unauthorised_party: str | None = Field(
        default=None, max_length=500, description="s22(5)(d) identity of the unauthorised person, if known"
    )
    regulator_notified_at: AwareDatetime | None = None
    regulator_reference: str | None = Field(default=None, max_length=200)
    subjects_notified_at: AwareDatetime | None = None
    channel: ChannelName | None = None


class BreachNotificationUpdateBody(Strict):
    discovered_at: AwareDatetime | None = None
    consequences: str | None = Field(default=None, min_length=3, max_length=4000)
    measures: str | None = Field(default=None, min_length=3, max_length=4000)
    recommendations: str | None = Field(default=None, min_length=3, max_length=4000)
    unauthorised_party: str | None = Field(default=None, max_length=500)
    regulator_notified_at: AwareDatetime | None = None
    regulator_reference: str | None = Field(default=None, min_length=1, max_length=200)
    subjects_notified_at: AwareDatetime | None = None
    channel: ChannelName | None = None


class BreachLetterQuery(Strict):
    format: Literal["pdf", "text"] = "pdf"


# -- responses: exactly what the routes send -------------------------------------------------
class IncidentTimelineEntry(Strict):
    at: datetime
    actor: str = Field(description="A user id, or `system`")
    kind: str = Field(description="opened | status | updated | note | alarm | breach_* ...")
    note: str | None
    data: dict[str, Any]


class Incident(Strict):
    """An incident, the same shape on create, read, list and every action."""

    id: uuid.UUID
    type: TypeName
    title: str
    description: str
    status: StatusName
    priority: PriorityName
    impact: int
    urgency: int
    severity: SeverityName
    source: Literal["manual", "automatic"]
    alarm_key: str | None = Field(description="The alarm that opened an automatic incident")
    reported_by: str = Field(description="A user id, or `system`")
    owner_id: uuid.UUID | None
    affected_systems: list[str]
    data_categories: list[str]
    affected_subjects: int | None
    root_cause: str | None
    remediation: str | None
    post_incident_actions: str | None
    resolution_note: str | None
    opened_at: datetime
    acknowledged_at: datetime | None
    investigating_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    personal_information_compromised: bool = Field(description="A breach notification is recorded")
    timeline: list[IncidentTimelineEntry] = Field(description="Oldest first, append-only")


class BreachNotification(Strict):
    """The POPIA s22 notification record of an incident."""

    incident_id: uuid.UUID
    discovered_at: datetime
    recorded_at: datetime
    recorded_by: str
    regulator_notified_at: datetime | None
    regulator_reference: str | None
    subjects_notified_at: datetime | None
    channel: ChannelName | None
    consequences: str
    measures: str
    recommendations: str
    unauthorised_party: str | None
    target_hours: int = Field(description="Hours after discovery both notifications are due")
    due_at: datetime
    complete: bool = Field(description="Both the Regulator and the subjects are notified")
    overdue: bool
    within_target: bool | None = Field(description="null while a notification is missing")
    escalations: int
    last_escalated_at: datetime | None

"""Request models of the incident and breach-notification API (pydantic v2; unknown fields refused)."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from elcorp.shared.application.pagination import DEFAULT_PER_PAGE, MAX_PER_PAGE

TypeName = Literal["security", "privacy", "availability", "aml", "operational"]
StatusName = Literal["open", "acknowledged", "investigating", "resolved", "closed"]
SeverityName = Literal["low", "medium", "high", "critical"]
PriorityName = Literal["P1", "P2", "P3", "P4", "P5"]
ChannelName = Literal["post", "email", "website", "news_media", "as_directed_by_regulator"]
Level = Field(ge=1, le=5, description="1 = high; the configured matrix sets the highest level (default 3)")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OpenBody(Strict):
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


class UpdateBody(Strict):
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


class ListQuery(Strict):
    status: StatusName | None = None
    type: TypeName | None = None
    priority: PriorityName | None = None
    source: Literal["manual", "automatic"] | None = None
    page: int = Field(default=1, ge=1)
    per_page: int = Field(default=DEFAULT_PER_PAGE, ge=1, le=MAX_PER_PAGE)


class NoteBody(Strict):
    note: str = Field(min_length=1, max_length=4000)


class OptionalNoteBody(Strict):
    note: str | None = Field(default=None, max_length=4000)


class ResolveBody(Strict):
    root_cause: str | None = Field(default=None, max_length=4000)
    note: str | None = Field(default=None, max_length=4000, description="Resolution note")


class BreachBody(Strict):
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


class BreachUpdateBody(Strict):
    discovered_at: AwareDatetime | None = None
    consequences: str | None = Field(default=None, min_length=3, max_length=4000)
    measures: str | None = Field(default=None, min_length=3, max_length=4000)
    recommendations: str | None = Field(default=None, min_length=3, max_length=4000)
    unauthorised_party: str | None = Field(default=None, max_length=500)
    regulator_notified_at: AwareDatetime | None = None
    regulator_reference: str | None = Field(default=None, min_length=1, max_length=200)
    subjects_notified_at: AwareDatetime | None = None
    channel: ChannelName | None = None


class LetterQuery(Strict):
    format: Literal["pdf", "text"] = "pdf"

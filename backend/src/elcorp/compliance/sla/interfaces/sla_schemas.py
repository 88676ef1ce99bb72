"""Request and response models of the SLA API (pydantic v2; unknown fields refused; names
unique across the API)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from elcorp.shared.interfaces.pagination import ListQuery

CaseTypeName = Literal["service_request", "incident", "privacy_request"]
ClockName = Literal["business_hours", "24x7"]
StateName = Literal["breached", "at_risk", "paused", "running", "met", "cancelled"]
PauseReason = str


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SlaPolicyBody(Strict):
    name: str = Field(min_length=1, max_length=100)
    case_type: CaseTypeName
    category: str = Field(default="*", min_length=1, max_length=64, description="* = any category")
    priority: str = Field(default="*", min_length=1, max_length=32, description="* = any priority")
    clock: ClockName = Field(
        description="business_hours: weekdays 08:00-17:00 Windhoek without public holidays"
    )
    response_minutes: int = Field(ge=1, le=525_600)
    resolution_minutes: int = Field(ge=1, le=525_600)
    escalation_minutes: int = Field(ge=1, le=525_600)
    at_risk_percent: int = Field(default=80, ge=1, le=99)
    pause_on: list[str] = Field(
        default_factory=list, max_length=10, description="pause reasons that stop the clock"
    )
    description: str | None = Field(default=None, max_length=2000)
    active: bool = True


class SlaPolicyUpdateBody(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    clock: ClockName | None = None
    response_minutes: int | None = Field(default=None, ge=1, le=525_600)
    resolution_minutes: int | None = Field(default=None, ge=1, le=525_600)
    escalation_minutes: int | None = Field(default=None, ge=1, le=525_600)
    at_risk_percent: int | None = Field(default=None, ge=1, le=99)
    pause_on: list[str] | None = Field(default=None, max_length=10)
    description: str | None = Field(default=None, max_length=2000)
    active: bool | None = None


class SlaPolicyPath(Strict):
    policy_id: uuid.UUID


class SlaPolicyListQuery(ListQuery):
    pass


class SlaCaseListQuery(ListQuery):
    state: StateName | None = None
    case_type: CaseTypeName | None = None


class SlaCasePath(Strict):
    case_type: CaseTypeName
    case_id: uuid.UUID


class SlaPauseBody(Strict):
    reason: PauseReason = Field(
        min_length=1, max_length=64, description="one of the policy's pause_on reasons"
    )


class SlaReportQuery(Strict):
    period: str = Field(description="YYYY-MM (the month in Africa/Windhoek)")


# -- responses: exactly what the routes send -------------------------------------------------
class SlaPolicy(Strict):
    id: uuid.UUID
    name: str
    case_type: CaseTypeName
    category: str = Field(description="* = any category")
    priority: str = Field(description="* = any priority")
    clock: ClockName
    response_minutes: int
    resolution_minutes: int
    escalation_minutes: int
    at_risk_percent: int
    pause_on: list[str]
    description: str | None
    active: bool


class SlaGoal(Strict):
    """One goal (first response or resolution) of a tracked case, in working minutes."""

    target_minutes: int
    elapsed_minutes: int
    remaining_minutes: int
    used_percent: int
    due_at: datetime | None = Field(description="null while paused (it moves on resume)")
    stopped_at: datetime | None
    met: bool | None = Field(description="null while running")
    breached: bool
    breached_at: datetime | None
    at_risk: bool


class SlaPolicyRef(Strict):
    id: uuid.UUID
    name: str
    clock: ClockName


class SlaCaseEvent(Strict):
    kind: str
    at: datetime
    data: dict[str, Any]


class SlaCase(Strict):
    """A tracked case's SLA state and its history, the same shape on list and read."""

    case_type: CaseTypeName
    case_id: uuid.UUID
    category: str
    priority: str
    opened_at: datetime
    state: StateName
    breached: bool
    paused: bool
    pause_reason: str | None
    response: SlaGoal
    resolution: SlaGoal | None = Field(description="null for a case cancelled before resolution")
    escalation_due_at: datetime | None
    escalated_at: datetime | None
    closed_at: datetime | None
    policy: SlaPolicyRef
    as_of: datetime
    events: list[SlaCaseEvent] = Field(description="The case's history, oldest first")


class SlaReportLine(Strict):
    case_type: str
    category: str
    priority: str
    cases: int
    response_met: int
    response_decided: int
    response_met_percent: str | None = Field(description="One decimal; null when no goal was decided")
    resolution_met: int
    resolution_decided: int
    resolution_met_percent: str | None
    breached: int


class SlaReport(Strict):
    start: datetime
    end: datetime
    groups: list[SlaReportLine]
    by_case_type: list[SlaReportLine]

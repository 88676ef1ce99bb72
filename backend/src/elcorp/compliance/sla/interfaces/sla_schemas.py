"""Request models of the SLA API (pydantic v2; unknown fields refused)."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from elcorp.shared.application.pagination import DEFAULT_PER_PAGE, MAX_PER_PAGE

CaseTypeName = Literal["service_request", "incident", "privacy_request"]
ClockName = Literal["business_hours", "24x7"]
StateName = Literal["breached", "at_risk", "paused", "running", "met", "cancelled"]
PauseReason = str


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PolicyBody(Strict):
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


class PolicyUpdateBody(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    clock: ClockName | None = None
    response_minutes: int | None = Field(default=None, ge=1, le=525_600)
    resolution_minutes: int | None = Field(default=None, ge=1, le=525_600)
    escalation_minutes: int | None = Field(default=None, ge=1, le=525_600)
    at_risk_percent: int | None = Field(default=None, ge=1, le=99)
    pause_on: list[str] | None = Field(default=None, max_length=10)
    description: str | None = Field(default=None, max_length=2000)
    active: bool | None = None


class PolicyPath(Strict):
    policy_id: uuid.UUID


class CasesQuery(Strict):
    state: StateName | None = None
    case_type: CaseTypeName | None = None
    page: int = Field(default=1, ge=1)
    per_page: int = Field(default=DEFAULT_PER_PAGE, ge=1, le=MAX_PER_PAGE)


class CasePath(Strict):
    case_type: CaseTypeName
    case_id: uuid.UUID


class PauseBody(Strict):
    reason: PauseReason = Field(
        min_length=1, max_length=64, description="one of the policy's pause_on reasons"
    )


class ReportQuery(Strict):
    period: str = Field(description="YYYY-MM (the month in Africa/Windhoek)")

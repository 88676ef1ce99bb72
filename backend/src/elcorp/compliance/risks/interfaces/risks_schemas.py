"""Request models of the risk register API (pydantic v2; unknown fields refused)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from elcorp.shared.application.pagination import DEFAULT_PER_PAGE, MAX_PER_PAGE

CategoryName = Literal[
    "security", "privacy", "availability", "fraud", "operational", "compliance", "financial"
]
TreatmentName = Literal["mitigate", "accept", "transfer", "avoid"]
StatusName = Literal["open", "treated", "accepted", "closed"]
RatingName = Literal["low", "medium", "high", "critical"]
ControlTypeName = Literal["preventive", "detective", "corrective", "deterrent", "compensating"]
ControlStatusName = Literal["planned", "in_progress", "active", "deprecated"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RiskBody(Strict):
    title: str = Field(min_length=3, max_length=200)
    description: str = Field(min_length=3, max_length=4000)
    asset: str = Field(
        min_length=2, max_length=200, description='e.g. "customer personal information", "ledger"'
    )
    threat: str = Field(min_length=3, max_length=4000)
    vulnerability: str | None = Field(default=None, max_length=4000)
    category: CategoryName
    likelihood: int = Field(ge=1, le=5, description="Inherent likelihood, 1 (rare) to 5 (almost certain)")
    impact: int = Field(ge=1, le=5, description="Inherent impact, 1 (negligible) to 5 (severe)")
    residual_likelihood: int | None = Field(default=None, ge=1, le=5)
    residual_impact: int | None = Field(default=None, ge=1, le=5)
    treatment: TreatmentName | None = None
    treatment_plan: str | None = Field(default=None, max_length=4000)
    owner_id: uuid.UUID | None = Field(default=None, description="An active staff member with risk:read")
    review_interval_days: int | None = Field(
        default=None, ge=1, le=730, description="Default by rating: critical 30, high 90, medium 180, low 365"
    )
    review_date: date | None = Field(default=None, description="Default: today (Windhoek) + the interval")
    control_ids: list[uuid.UUID] = Field(default_factory=list, max_length=100)
    incident_ids: list[uuid.UUID] = Field(default_factory=list, max_length=100)


class RiskPatch(Strict):
    """Only the fields sent change; `null` clears an optional field."""

    title: str | None = Field(default=None, min_length=3, max_length=200)
    description: str | None = Field(default=None, min_length=3, max_length=4000)
    asset: str | None = Field(default=None, min_length=2, max_length=200)
    threat: str | None = Field(default=None, min_length=3, max_length=4000)
    vulnerability: str | None = Field(default=None, max_length=4000)
    category: CategoryName | None = None
    likelihood: int | None = Field(default=None, ge=1, le=5)
    impact: int | None = Field(default=None, ge=1, le=5)
    residual_likelihood: int | None = Field(default=None, ge=1, le=5)
    residual_impact: int | None = Field(default=None, ge=1, le=5)
    treatment: TreatmentName | None = None
    treatment_plan: str | None = Field(default=None, max_length=4000)
    owner_id: uuid.UUID | None = None
    status: StatusName | None = None
    review_interval_days: int | None = Field(default=None, ge=1, le=730)
    review_date: date | None = None
    control_ids: list[uuid.UUID] | None = Field(default=None, max_length=100)
    incident_ids: list[uuid.UUID] | None = Field(default=None, max_length=100)


# Fields that may not be cleared with null (required on the risk).
NOT_NULLABLE = frozenset(
    {
        "title",
        "description",
        "asset",
        "threat",
        "category",
        "likelihood",
        "impact",
        "status",
        "review_date",
        "control_ids",
        "incident_ids",
    }
)


class ReviewBody(Strict):
    note: str = Field(min_length=3, max_length=4000, description="What was verified and what changed")
    likelihood: int | None = Field(default=None, ge=1, le=5, description="Reassessed inherent likelihood")
    impact: int | None = Field(default=None, ge=1, le=5)
    residual_likelihood: int | None = Field(default=None, ge=1, le=5)
    residual_impact: int | None = Field(default=None, ge=1, le=5)


class RiskPath(Strict):
    risk_id: uuid.UUID


class RiskQueryArgs(Strict):
    status: StatusName | None = None
    rating: RatingName | None = Field(default=None, description="The current rating (residual once assessed)")
    overdue: bool | None = Field(default=None, description="true: review date passed, not closed")
    owner_id: uuid.UUID | None = None
    page: int = Field(default=1, ge=1)
    per_page: int = Field(default=DEFAULT_PER_PAGE, ge=1, le=MAX_PER_PAGE)


class ControlBody(Strict):
    name: str = Field(min_length=3, max_length=200)
    description: str = Field(min_length=3, max_length=4000)
    type: ControlTypeName
    status: ControlStatusName = "active"
    reference: str | None = Field(
        default=None,
        max_length=300,
        description='Where it is specified, e.g. "docs/SECURITY.md Tokens; ASVS V6"',
    )


class ControlPatch(Strict):
    name: str | None = Field(default=None, min_length=3, max_length=200)
    description: str | None = Field(default=None, min_length=3, max_length=4000)
    type: ControlTypeName | None = None
    status: ControlStatusName | None = None
    reference: str | None = Field(default=None, max_length=300)


class ControlPath(Strict):
    control_id: uuid.UUID

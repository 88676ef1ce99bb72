"""Request and response models of the risk register API (pydantic v2; unknown fields
refused; names unique across the API)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from elcorp.shared.interfaces.pagination import ListQuery

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


class RiskCreateBody(Strict):
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


class RiskUpdateBody(Strict):
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


class RiskReviewBody(Strict):
    note: str = Field(min_length=3, max_length=4000, description="What was verified and what changed")
    likelihood: int | None = Field(default=None, ge=1, le=5, description="Reassessed inherent likelihood")
    impact: int | None = Field(default=None, ge=1, le=5)
    residual_likelihood: int | None = Field(default=None, ge=1, le=5)
    residual_impact: int | None = Field(default=None, ge=1, le=5)


class RiskPath(Strict):
    risk_id: uuid.UUID


class RiskListQuery(ListQuery):
    status: StatusName | None = None
    rating: RatingName | None = Field(default=None, description="The current rating (residual once assessed)")
    overdue: bool | None = Field(default=None, description="true: review date passed, not closed")
    owner_id: uuid.UUID | None = None


class RiskControlBody(Strict):
    name: str = Field(min_length=3, max_length=200)
    description: str = Field(min_length=3, max_length=4000)
    type: ControlTypeName
    status: ControlStatusName = "active"
    reference: str | None = Field(
        default=None,
        max_length=300,
        description='Where it is specified, e.g. "docs/SECURITY.md Tokens; ASVS V6"',
    )


class RiskControlUpdateBody(Strict):
    name: str | None = Field(default=None, min_length=3, max_length=200)
    description: str | None = Field(default=None, min_length=3, max_length=4000)
    type: ControlTypeName | None = None
    status: ControlStatusName | None = None
    reference: str | None = Field(default=None, max_length=300)


class RiskControlPath(Strict):
    control_id: uuid.UUID


class RiskControlListQuery(ListQuery):
    pass


# -- responses: exactly what the routes send -------------------------------------------------
class RiskControl(Strict):
    id: uuid.UUID
    name: str
    description: str
    type: ControlTypeName
    status: ControlStatusName
    reference: str | None
    created_at: datetime
    updated_at: datetime


class RiskReview(Strict):
    id: uuid.UUID
    reviewed_by: uuid.UUID
    reviewed_at: datetime
    note: str
    before: dict[str, Any] = Field(description="The assessment before the review")
    after: dict[str, Any] = Field(description="The assessment after the review")
    review_date_before: date
    review_date_after: date


class Risk(Strict):
    """A risk, the same shape on create, read, list and every change."""

    id: uuid.UUID
    title: str
    description: str
    asset: str
    threat: str
    vulnerability: str | None
    category: CategoryName
    likelihood: int = Field(description="Inherent likelihood, 1-5")
    impact: int = Field(description="Inherent impact, 1-5")
    inherent_score: int = Field(description="likelihood x impact, 1-25")
    inherent_rating: RatingName
    residual_likelihood: int | None
    residual_impact: int | None
    residual_score: int | None
    residual_rating: RatingName | None
    rating: RatingName = Field(description="The current rating (residual once assessed)")
    treatment: TreatmentName | None
    treatment_plan: str | None
    owner_id: uuid.UUID | None
    status: StatusName
    review_interval_days: int
    review_date: date
    last_reviewed_at: datetime | None
    overdue: bool = Field(description="The review date has passed and the risk is not closed")
    controls: list[RiskControl]
    incident_ids: list[uuid.UUID]
    created_by: uuid.UUID | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    reviews: list[RiskReview] = Field(description="The review history, oldest first")

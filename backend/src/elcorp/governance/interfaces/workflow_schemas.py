"""Request and response models of the service-request API (pydantic v2; unknown fields
refused). Schema names are the class names, unique across the whole API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from elcorp.governance.interfaces.listing import SmallListQuery
from elcorp.shared.interfaces.pagination import ListQuery

CATEGORY_PATTERN = r"^[a-z][a-z0-9_.-]{0,63}$"
AMOUNT_PATTERN = r"^[0-9]{1,12}(\.[0-9]{1,8})?$"
Priority = Literal["low", "normal", "high", "critical"]
Status = Literal[
    "draft", "submitted", "in_review", "approved", "rejected", "in_progress", "completed", "cancelled"
]
Action = Literal["submit", "assign", "approve", "reject", "start", "complete", "cancel"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ServiceRequestPath(Strict):
    request_id: uuid.UUID


class ServiceRequestCommentPath(Strict):
    request_id: uuid.UUID
    comment_id: uuid.UUID


class ServiceRequestCategoryPath(Strict):
    name: str = Field(pattern=CATEGORY_PATTERN)


class CreateServiceRequestBody(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "category": "payment_exception",
                    "title": "Release the held supplier payment",
                    "description": "Invoice INV-2026-000412 was paid twice; refund the duplicate.",
                    "priority": "high",
                    "amount": "12500.00",
                    "currency": "NAD",
                }
            ]
        }
    )

    category: str = Field(
        pattern=CATEGORY_PATTERN, description="A category name (GET /service-request-categories)"
    )
    title: str = Field(min_length=1, max_length=255)
    description: str = Field(default="", max_length=10_000)
    priority: Priority = "normal"
    amount: str | None = Field(default=None, pattern=AMOUNT_PATTERN, description='A decimal string, "12.50"')
    currency: str = Field(default="NAD", pattern=r"^[A-Z]{3}$", description="ISO 4217 code")


class ServiceRequestCommandBody(Strict):
    comment: str = Field(default="", max_length=2000)


class ServiceRequestRejectBody(Strict):
    reason: str = Field(min_length=1, max_length=2000)


class ServiceRequestAssignBody(Strict):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"user_id": "0b6f2c1e-4a5d-4c1e-9a43-5d2f8e7c1a90", "comment": ""}]}
    )

    user_id: uuid.UUID | None = Field(default=None, description="The assignee; or give `team_id`")
    team_id: uuid.UUID | None = Field(
        default=None, validate_default=True, description="The assigned team; or give `user_id`"
    )
    comment: str = Field(default="", max_length=2000)

    @field_validator("team_id")
    @classmethod
    def one_assignee(cls, team_id: uuid.UUID | None, info: ValidationInfo) -> uuid.UUID | None:
        if "user_id" in info.data and (info.data["user_id"] is None) == (team_id is None):
            raise ValueError("give exactly one of user_id or team_id")
        return team_id


class ServiceRequestCommentBody(Strict):
    body: str = Field(min_length=1, max_length=2000)


class ServiceRequestListQuery(ListQuery):
    status: Status | None = None
    priority: Priority | None = None
    category: str | None = Field(default=None, pattern=CATEGORY_PATTERN)
    assignee_id: uuid.UUID | None = Field(default=None, description="A user or team id")
    requester_id: uuid.UUID | None = None
    overdue: bool | None = Field(default=None, description="Only requests open past their SLA deadline")


class ServiceRequestCommentListQuery(ListQuery):
    pass


class ServiceRequestCategoryListQuery(SmallListQuery):
    include_inactive: bool = Field(default=False, description="Also inactive ones (`workflow:manage` only)")


class ApprovalChainVersionListQuery(SmallListQuery):
    pass


class ApprovalLevelBody(Strict):
    name: str = Field(default="", max_length=100)
    required_role: str | None = Field(default=None, max_length=64)
    required_permission: str | None = Field(default=None, max_length=100)
    threshold: str | None = Field(
        default=None, pattern=AMOUNT_PATTERN, description="Applies from this amount"
    )
    approvers_required: int = Field(default=1, ge=1, le=10)


class CreateServiceRequestCategoryBody(Strict):
    name: str = Field(pattern=CATEGORY_PATTERN)
    description: str = Field(default="", max_length=500)
    levels: list[ApprovalLevelBody] = Field(
        min_length=1, max_length=10, description="The first approval chain"
    )


class UpdateServiceRequestCategoryBody(Strict):
    description: str | None = Field(default=None, max_length=500)
    active: bool | None = None


class ApprovalChainBody(Strict):
    levels: list[ApprovalLevelBody] = Field(min_length=1, max_length=10)


class ApprovalChainQuery(Strict):
    version: int | None = Field(default=None, ge=1)


def levels_of(levels: list[ApprovalLevelBody]) -> list[dict[str, Any]]:
    return [level.model_dump() for level in levels]


# -- responses ----------------------------------------------------------------------------
class ApprovalLevel(Strict):
    name: str
    required_role: str | None
    required_permission: str | None
    threshold: str | None = Field(description='The level applies from this amount ("50000.00")')
    approvers_required: int


class ApprovalChain(Strict):
    """One version of a category's approval chain."""

    category: str
    version: int
    levels: list[ApprovalLevel]


class ServiceRequestAssignee(Strict):
    kind: Literal["user", "team"]
    id: uuid.UUID


class ServiceRequestApprovalProgress(Strict):
    current_level: int | None = Field(description="The level waiting now; null when all are satisfied")
    applicable_levels: list[int]
    approvals_per_level: dict[str, int] = Field(description="Level number (as text) -> approvals so far")


class ServiceRequestApproval(Strict):
    approver_id: uuid.UUID
    level: int
    at: datetime
    comment: str


class ServiceRequestTransition(Strict):
    from_: Status = Field(alias="from")
    to: Status
    actor_id: uuid.UUID
    at: datetime
    comment: str


class ServiceRequest(Strict):
    """A service request, the same shape on create, read, list and every action."""

    id: uuid.UUID
    requester_id: uuid.UUID
    organization_id: uuid.UUID | None
    category: str
    title: str
    description: str
    priority: Priority
    status: Status
    amount: str | None = Field(description='A decimal string, "12500.00"')
    currency: str
    assignee: ServiceRequestAssignee | None
    chain: ApprovalChain | None = Field(description="Pinned on submission")
    approval: ServiceRequestApprovalProgress | None
    approvals: list[ServiceRequestApproval]
    history: list[ServiceRequestTransition]
    available_actions: list[Action] = Field(description="What the caller may do now")
    submitted_at: datetime | None
    due_at: datetime | None
    overdue: bool
    created_at: datetime
    updated_at: datetime | None
    completed_at: datetime | None


class ServiceRequestComment(Strict):
    id: uuid.UUID
    request_id: uuid.UUID
    author_id: uuid.UUID
    body: str
    created_at: datetime


class ServiceRequestCategory(Strict):
    """A category, the same shape on create, read, update and list."""

    name: str
    description: str
    active: bool
    chain_version: int | None = Field(description="The current approval chain's version")

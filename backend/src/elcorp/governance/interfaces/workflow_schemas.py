"""Request models of the service-request API (pydantic v2; unknown fields refused)."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

CATEGORY_PATTERN = r"^[a-z][a-z0-9_.-]{0,63}$"
AMOUNT_PATTERN = r"^[0-9]{1,12}(\.[0-9]{1,8})?$"
Priority = Literal["low", "normal", "high", "critical"]
Status = Literal[
    "draft", "submitted", "in_review", "approved", "rejected", "in_progress", "completed", "cancelled"
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RequestPath(Strict):
    request_id: uuid.UUID


class CategoryPath(Strict):
    name: str = Field(pattern=CATEGORY_PATTERN)


class CreateRequestBody(Strict):
    category: str = Field(
        pattern=CATEGORY_PATTERN, description="A category name (GET /service-request-categories)"
    )
    title: str = Field(min_length=1, max_length=255)
    description: str = Field(default="", max_length=10_000)
    priority: Priority = "normal"
    amount: str | None = Field(default=None, pattern=AMOUNT_PATTERN, description='A decimal string, "12.50"')
    currency: str = Field(default="NAD", pattern=r"^[A-Z]{3}$", description="ISO 4217 code")


class CommandBody(Strict):
    comment: str = Field(default="", max_length=2000)


class RejectBody(Strict):
    reason: str = Field(min_length=1, max_length=2000)


class AssignBody(Strict):
    user_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None
    comment: str = Field(default="", max_length=2000)

    @model_validator(mode="after")
    def one_assignee(self) -> AssignBody:
        if (self.user_id is None) == (self.team_id is None):
            raise ValueError("give exactly one of user_id or team_id")
        return self


class CommentBody(Strict):
    body: str = Field(min_length=1, max_length=2000)


class RequestListQuery(Strict):
    page: int = Field(default=1, ge=1)
    per_page: int = Field(default=20, ge=1, le=100)
    status: Status | None = None
    priority: Priority | None = None
    category: str | None = Field(default=None, pattern=CATEGORY_PATTERN)
    assignee_id: uuid.UUID | None = Field(default=None, description="A user or team id")
    requester_id: uuid.UUID | None = None
    overdue: bool | None = Field(default=None, description="Only requests open past their SLA deadline")


class CategoryListQuery(Strict):
    include_inactive: bool = False


class LevelBody(Strict):
    name: str = Field(default="", max_length=100)
    required_role: str | None = Field(default=None, max_length=64)
    required_permission: str | None = Field(default=None, max_length=100)
    threshold: str | None = Field(
        default=None, pattern=AMOUNT_PATTERN, description="Applies from this amount"
    )
    approvers_required: int = Field(default=1, ge=1, le=10)


class CreateCategoryBody(Strict):
    name: str = Field(pattern=CATEGORY_PATTERN)
    description: str = Field(default="", max_length=500)
    levels: list[LevelBody] = Field(min_length=1, max_length=10, description="The first approval chain")


class UpdateCategoryBody(Strict):
    description: str | None = Field(default=None, max_length=500)
    active: bool | None = None


class ChainBody(Strict):
    levels: list[LevelBody] = Field(min_length=1, max_length=10)


class ChainQuery(Strict):
    version: int | None = Field(default=None, ge=1)


def levels_of(levels: list[LevelBody]) -> list[dict[str, Any]]:
    return [level.model_dump() for level in levels]

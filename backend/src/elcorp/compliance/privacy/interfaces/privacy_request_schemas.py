"""Request models of the data-subject request API (pydantic v2; unknown fields refused)."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from elcorp.shared.application.pagination import DEFAULT_PER_PAGE, MAX_PER_PAGE

RequestTypeName = Literal["access", "correction", "erasure", "objection", "marketing_opt_out"]
StatusName = Literal["received", "verifying", "in_progress", "extended", "completed", "refused"]
MethodName = Literal["authenticated_session", "identity_document", "in_person", "callback"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CorrectionBody(Strict):
    field: Literal["full_name", "phone", "email", "organization"]
    value: str = Field(min_length=1, max_length=320, description="The correct value")


class SubmitBody(Strict):
    type: RequestTypeName
    details: str | None = Field(
        default=None, max_length=4000, description="What the request is about, in the subject's words"
    )
    correction: CorrectionBody | None = Field(default=None, description="Required for type correction only")

    @model_validator(mode="after")
    def correction_only_for_corrections(self) -> SubmitBody:
        if (self.type == "correction") != (self.correction is not None):
            raise ValueError("a correction request carries `correction` {field, value}; other types do not")
        return self


class RequestPath(Strict):
    request_id: uuid.UUID


class QueueQuery(Strict):
    status: StatusName | None = None
    type: RequestTypeName | None = None
    overdue: bool | None = Field(default=None, description="true: open and past the due date")
    assignee_id: uuid.UUID | None = None
    page: int = Field(default=1, ge=1)
    per_page: int = Field(default=DEFAULT_PER_PAGE, ge=1, le=MAX_PER_PAGE)


class VerifyBody(Strict):
    method: MethodName
    passed: bool = Field(default=True, description="false: the check failed (another may follow)")
    note: str | None = Field(
        default=None, max_length=1000, description="No copies of documents: what was checked"
    )


class AssignBody(Strict):
    assignee_id: uuid.UUID


class ExtendBody(Strict):
    days: int = Field(ge=1, le=30, description="PAIA s26: at most 30 days, once")
    reason: str = Field(min_length=3, max_length=1000)


class CompleteBody(Strict):
    resolution: str | None = Field(
        default=None, max_length=4000, description="How it was handled (required for an objection)"
    )


class RefuseBody(Strict):
    reason: str = Field(min_length=3, max_length=4000)
    legal_ground: str = Field(
        min_length=3, max_length=500, description="e.g. `PAIA s33-s46 (refusal ground)` or `POPIA s14(1)(a)`"
    )

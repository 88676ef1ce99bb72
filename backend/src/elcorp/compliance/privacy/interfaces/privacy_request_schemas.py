"""Request and response models of the data-subject request API (pydantic v2; unknown fields
refused; schema names unique across the API)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from elcorp.shared.interfaces.pagination import ListQuery

RequestTypeName = Literal["access", "correction", "erasure", "objection", "marketing_opt_out"]
StatusName = Literal["received", "verifying", "in_progress", "extended", "completed", "refused"]
MethodName = Literal["authenticated_session", "identity_document", "in_person", "callback"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PrivacyCorrectionBody(Strict):
    field: Literal["full_name", "phone", "email", "organization"]
    value: str = Field(min_length=1, max_length=320, description="The correct value")


class PrivacyRequestBody(Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"type": "access", "details": "Everything you hold about me"},
                {"type": "correction", "correction": {"field": "phone", "value": "+264811234567"}},
            ]
        },
    )

    type: RequestTypeName
    details: str | None = Field(
        default=None, max_length=4000, description="What the request is about, in the subject's words"
    )
    correction: PrivacyCorrectionBody | None = Field(
        default=None, validate_default=True, description="Required for type correction only"
    )

    @field_validator("correction")
    @classmethod
    def correction_only_for_corrections(
        cls, value: PrivacyCorrectionBody | None, info: ValidationInfo
    ) -> PrivacyCorrectionBody | None:
        """Checked on `correction` itself, so a refusal names that field."""
        if (info.data.get("type") == "correction") != (value is not None):
            raise ValueError("a correction request carries `correction` {field, value}; other types do not")
        return value


class PrivacyRequestPath(Strict):
    request_id: uuid.UUID


class MyPrivacyRequestListQuery(ListQuery):
    """Newest first."""


class PrivacyRequestListQuery(ListQuery):
    """Soonest due first."""

    status: StatusName | None = None
    type: RequestTypeName | None = None
    overdue: bool | None = Field(default=None, description="true: open and past the due date")
    assignee_id: uuid.UUID | None = None


class PrivacyVerifyBody(Strict):
    method: MethodName
    passed: bool = Field(default=True, description="false: the check failed (another may follow)")
    note: str | None = Field(
        default=None, max_length=1000, description="No copies of documents: what was checked"
    )


class PrivacyAssignBody(Strict):
    assignee_id: uuid.UUID


class PrivacyExtendBody(Strict):
    days: int = Field(ge=1, le=30, description="PAIA s26: at most 30 days, once")
    reason: str = Field(min_length=3, max_length=1000)


class PrivacyCompleteBody(Strict):
    resolution: str | None = Field(
        default=None, max_length=4000, description="How it was handled (required for an objection)"
    )


class PrivacyRefuseBody(Strict):
    reason: str = Field(min_length=3, max_length=4000)
    legal_ground: str = Field(
        min_length=3, max_length=500, description="e.g. `PAIA s33-s46 (refusal ground)` or `POPIA s14(1)(a)`"
    )


# -- responses: exactly what the routes send -------------------------------------------------
BundleStatusName = Literal[
    "not_applicable", "not_requested", "preparing", "built", "ready", "expired", "withheld"
]
BUNDLE_STATUS = (
    "Where the access bundle is: not_applicable (not an access request), not_requested (not "
    "started), preparing (being built), built (staff may review it; released on completion), "
    "ready (download it at .../bundle; `outcome` has its digest and expiry), expired (the "
    "download window passed), withheld (the request was refused)"
)


class PrivacyRequestCorrection(Strict):
    field: Literal["full_name", "phone", "email", "organization"]
    value: str


class PrivacyRequestExtension(Strict):
    days: int
    reason: str | None
    extended_at: datetime | None


class PrivacyRequestNotification(Strict):
    model_config = ConfigDict(extra="allow")
    recipient: str = Field(description="`data_subject`, or a recipient named in the processing register")
    channel: str = Field(description="email | processing_register")
    queued_at: datetime
    field: str | None = Field(default=None, description="The corrected field (recipients of a correction)")


class PrivacyRequestVerification(Strict):
    method: MethodName
    passed: bool
    verified_by: uuid.UUID
    verified_at: datetime
    note: str | None


class PrivacyRequest(Strict):
    """A data-subject request as its subject sees it (the same shape on filing, read and list)."""

    id: uuid.UUID
    type: RequestTypeName
    status: StatusName
    details: str | None
    correction: PrivacyRequestCorrection | None
    received_at: datetime
    due_at: datetime
    overdue: bool
    extension: PrivacyRequestExtension | None
    identity_verified: bool
    closed_at: datetime | None
    resolution: str | None
    legal_ground: str | None
    dispute: dict[str, Any] | None = Field(
        description="POPIA s24(3): a correction sought and not made {field, requested_value, reason, "
        "recorded_at, recorded_by}"
    )
    outcome: dict[str, Any] | None = Field(
        description="What was done, by type: access {bundle_sha256, bundle_size, bundle_built_at, "
        "bundle_expires_at}; correction {corrected}; erasure {erased, kept, ...}; objection; opt-out"
    )
    notifications: list[PrivacyRequestNotification]
    bundle_status: BundleStatusName = Field(description=BUNDLE_STATUS)


class PrivacyRequestStaffView(PrivacyRequest):
    """A data-subject request as the staff queue sees it (the same shape on every staff route)."""

    subject_id: uuid.UUID
    assignee_id: uuid.UUID | None
    started_at: datetime | None
    closed_by: uuid.UUID | None
    verifications: list[PrivacyRequestVerification]

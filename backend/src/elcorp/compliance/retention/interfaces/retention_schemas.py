"""Request and response models of the retention routes: retention policies, legal holds,
purge runs (pydantic v2; unknown fields refused; names unique across the API)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from elcorp.shared.interfaces.pagination import ListQuery

DisposalName = Literal["delete", "anonymise", "crypto_shred"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RetentionPolicyListQuery(Strict):
    """No parameters: the policies are a small fixed set (one per data category)."""


class PurgeRunListQuery(ListQuery):
    pass


class RetentionPolicyPath(Strict):
    category: str = Field(min_length=1, max_length=100)


class RetentionPolicyBody(Strict):
    period_days: int | None = Field(default=None, ge=0, le=36_600, description="Days kept after the trigger")
    disposal: DisposalName | None = None
    description: str | None = Field(default=None, min_length=1, max_length=500)


class LegalHoldBody(Strict):
    subject_id: uuid.UUID | None = Field(default=None, description="A subject-level hold: the user's id")
    record_table: str | None = Field(
        default=None, pattern=r"^[a-z][a-z0-9_]{0,62}$", description="A record-level hold: the table"
    )
    record_id: str | None = Field(
        default=None, min_length=1, max_length=100, description="... and the record's id"
    )
    reason: str = Field(min_length=1, max_length=1000)


class LegalHoldPath(Strict):
    hold_id: uuid.UUID


class LegalHoldListQuery(ListQuery):
    active: bool | None = None
    subject_id: uuid.UUID | None = None


class LegalHoldReleaseBody(Strict):
    reason: str | None = Field(default=None, max_length=1000)


class PurgeRunBody(Strict):
    dry_run: bool = Field(default=True, description="Count only (default); false disposes of what is due")


class PurgeRunPath(Strict):
    run_id: uuid.UUID


# -- responses: exactly what the routes send -------------------------------------------------
class RetentionPolicy(Strict):
    category: str
    description: str
    period_days: int = Field(description="Days kept after the trigger")
    trigger: Literal["created", "relationship_end", "transaction_date", "expiry"] = Field(
        description="The event the period runs from"
    )
    disposal: DisposalName
    basis: str
    legal_basis: str
    updated_at: datetime | None
    updated_by: uuid.UUID | None


class LegalHold(Strict):
    id: uuid.UUID
    level: Literal["subject", "record"]
    subject_id: uuid.UUID | None
    record_table: str | None
    record_id: str | None
    reason: str
    placed_by: uuid.UUID
    placed_at: datetime
    active: bool
    released_at: datetime | None
    released_by: uuid.UUID | None
    release_reason: str | None


class PurgeRunItem(Strict):
    policy: str = Field(description="The category of the policy applied")
    what: str
    count: int = Field(description="Disposed of (in a dry run: that would be)")
    held: int = Field(description="Kept because a legal hold covers them")
    disposal: str


class PurgeRun(Strict):
    id: uuid.UUID
    dry_run: bool
    triggered_by: str = Field(description="A user id, or `system` for the scheduled run")
    started_at: datetime
    finished_at: datetime | None
    total: int
    items: list[PurgeRunItem]

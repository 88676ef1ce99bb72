"""Request models of the retention routes: retention policies, legal holds, purge runs
(pydantic v2; unknown fields refused)."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Paging(Strict):
    page: int = Field(default=1, ge=1)
    per_page: int = Field(default=20, ge=1, le=100)


class PolicyPath(Strict):
    category: str = Field(min_length=1, max_length=100)


class PolicyBody(Strict):
    period_days: int | None = Field(default=None, ge=0, le=36_600, description="Days kept after the trigger")
    disposal: Literal["delete", "anonymise", "crypto_shred"] | None = None
    description: str | None = Field(default=None, min_length=1, max_length=500)


class HoldBody(Strict):
    subject_id: uuid.UUID | None = Field(default=None, description="A subject-level hold: the user's id")
    record_table: str | None = Field(
        default=None, pattern=r"^[a-z][a-z0-9_]{0,62}$", description="A record-level hold: the table"
    )
    record_id: str | None = Field(
        default=None, min_length=1, max_length=100, description="... and the record's id"
    )
    reason: str = Field(min_length=1, max_length=1000)


class HoldPath(Strict):
    hold_id: uuid.UUID


class HoldQuery(Paging):
    active: bool | None = None
    subject_id: uuid.UUID | None = None


class ReleaseBody(Strict):
    reason: str | None = Field(default=None, max_length=1000)


class PurgeBody(Strict):
    dry_run: bool = Field(default=True, description="Count only (default); false disposes of what is due")


class RunPath(Strict):
    run_id: uuid.UUID

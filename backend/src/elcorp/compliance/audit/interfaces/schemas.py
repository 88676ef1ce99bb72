"""Query models of the audit-trail API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class AuditQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    actor_id: str | None = Field(default=None, max_length=64)
    action: str | None = Field(default=None, max_length=100)
    resource_type: str | None = Field(default=None, max_length=64)
    resource_id: str | None = Field(default=None, max_length=128)
    request_id: str | None = Field(default=None, max_length=128)
    occurred_from: datetime | None = Field(default=None, alias="from")
    occurred_to: datetime | None = Field(default=None, alias="to")
    cursor: str | None = Field(default=None, max_length=200)
    limit: int = Field(default=50, ge=1, le=100)


class VerifyQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    first_seq: int = Field(default=1, ge=1, alias="from_seq")
    last_seq: int | None = Field(default=None, ge=1, alias="to_seq")


class CheckpointQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    before_size: int | None = Field(default=None, ge=1)
    limit: int = Field(default=50, ge=1, le=100)


class ExportQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: Literal["jsonl", "csv"] = "jsonl"
    first_seq: int = Field(default=1, ge=1, alias="from_seq")
    last_seq: int | None = Field(default=None, ge=1, alias="to_seq")


class ExportPath(BaseModel):
    model_config = ConfigDict(extra="forbid")
    export_id: uuid.UUID

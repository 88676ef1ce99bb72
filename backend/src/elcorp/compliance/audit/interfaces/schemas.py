"""Query and response models of the audit-trail API (schema names are unique across the API:
the OpenAPI document names them by class)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from elcorp.shared.interfaces.pagination import ListQuery

HASHED_TIME = (
    "UTC with microseconds and `Z`, exactly as hashed into the chain (docs/AUDIT_FORMAT.md), so "
    "an auditor can re-hash the entry"
)


class AuditLogQuery(ListQuery):
    """Newest first. `cursor` is the previous page's `meta.next_cursor` (a position in the
    stream: entries written meanwhile never shift a page); `page` is not accepted here."""

    actor_id: str | None = Field(default=None, max_length=64)
    action: str | None = Field(default=None, max_length=100)
    resource_type: str | None = Field(default=None, max_length=64)
    resource_id: str | None = Field(default=None, max_length=128)
    request_id: str | None = Field(default=None, max_length=128)
    occurred_from: datetime | None = Field(default=None, alias="from", description="Inclusive, date-time")
    occurred_to: datetime | None = Field(default=None, alias="to", description="Exclusive, date-time")


class AuditVerifyQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    first_seq: int = Field(default=1, ge=1, alias="from_seq")
    last_seq: int | None = Field(default=None, ge=1, alias="to_seq")


class AuditCheckpointQuery(ListQuery):
    """Largest first. `before_size` (the earlier parameter: checkpoints smaller than this size)
    is kept as an alias of a cursor."""

    before_size: int | None = Field(
        default=None, ge=1, description="Alias kept for earlier clients: checkpoints below this size"
    )


class AuditExportQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: Literal["jsonl", "csv"] = "jsonl"
    first_seq: int = Field(default=1, ge=1, alias="from_seq")
    last_seq: int | None = Field(default=None, ge=1, alias="to_seq")


class AuditExportPath(BaseModel):
    model_config = ConfigDict(extra="forbid")
    export_id: uuid.UUID


# -- responses: exactly what the routes send -------------------------------------------------
class AuditChanges(BaseModel):
    model_config = ConfigDict(extra="forbid")
    before: dict[str, Any]
    after: dict[str, Any]


class AuditLogEntry(BaseModel):
    """One audit entry: its hashed fields, then its place in the chain."""

    model_config = ConfigDict(extra="forbid")
    id: uuid.UUID
    occurred_at: str = Field(description=HASHED_TIME, json_schema_extra={"format": "date-time"})
    action: str = Field(examples=["transaction.created"])
    actor_id: str | None = Field(description="A user id; null for the system")
    actor_roles: list[str]
    resource_type: str
    resource_id: str | None
    changes: AuditChanges
    reason: str | None
    ip: str | None
    user_agent: str | None
    request_id: str | None
    seq: int | None = Field(description="Position in the chain; null until the sequencer chained it")
    hash: str | None = Field(description="SHA-256 chain hash (hex); null until chained")


class AuditVerification(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ok: bool
    checked: int
    first_seq: int
    last_seq: int
    head_hash: str | None
    checkpoints_checked: int
    problems: list[dict[str, Any]] = Field(description="{seq, reason} items; empty when ok")
    archived_through: int = Field(description="Entries up to here live in verified archive files")


class AuditCheckpoint(BaseModel):
    model_config = ConfigDict(extra="forbid")
    size: int = Field(description="Entries covered (the chain's length when sealed)")
    head_hash: str
    timestamp: str = Field(description=HASHED_TIME, json_schema_extra={"format": "date-time"})
    key_id: str
    signature: str = Field(description="Ed25519 signature (base64)")


class AuditPublicKey(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key_id: str
    algorithm: Literal["Ed25519"]
    public_key: str


class AuditExportManifest(BaseModel):
    """The manifest of a finished export: what an auditor checks the file against offline."""

    model_config = ConfigDict(extra="allow")
    format: str
    version: int
    data_format: Literal["jsonl", "csv"]
    count: int
    first_seq: int
    last_seq: int
    previous_hash: str
    last_hash: str
    data_sha256: str
    filters: dict[str, Any]
    generated_at: str = Field(json_schema_extra={"format": "date-time"})
    checkpoints: list[AuditCheckpoint]
    public_keys: dict[str, str]

"""The audit trail as the compliance use cases see it: query, verify, checkpoints.

Read-side ports: the PostgreSQL adapter is compliance.audit.infrastructure.audit_store.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class AuditFilter:
    actor_id: str | None = None
    action: str | None = None
    resource_type: str | None = None
    resource_id: str | None = None
    request_id: str | None = None
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None
    # Reader's reach (AuditScope): None = everything; else entries by or about these people,
    # or about this organization.
    about_people: frozenset[str] | None = None
    about_organization: str | None = None


@dataclass(frozen=True, slots=True)
class AuditRecord:
    entry: dict[str, Any]
    seq: int | None  # None until the sequencer has chained it
    hash: str | None


@dataclass(frozen=True, slots=True)
class VerificationReport:
    ok: bool
    checked: int
    first_seq: int
    last_seq: int
    head_hash: str | None
    checkpoints_checked: int
    problems: list[dict[str, Any]] = field(default_factory=list)
    archived_through: int = 0  # entries up to here live in verified archive files


@dataclass(frozen=True, slots=True)
class Checkpoint:
    size: int
    head_hash: str
    timestamp: str
    key_id: str
    signature: str


class AuditTrail(Protocol):
    def search(
        self, criteria: AuditFilter, *, after: tuple[datetime, uuid.UUID] | None, limit: int
    ) -> list[AuditRecord]: ...

    def verify(self, first_seq: int = 1, last_seq: int | None = None) -> VerificationReport: ...

    def checkpoints(self, *, after_size: int | None, limit: int) -> list[Checkpoint]: ...

    def public_keys(self) -> dict[str, str]: ...


@dataclass(frozen=True)
class StartedExport:
    id: uuid.UUID
    format: str
    chunks: Iterator[str]


class AuditExports(Protocol):
    def start(self, requested_by: str, fmt: str, first_seq: int, last_seq: int | None) -> StartedExport:
        """Audit the export, then stream it; its manifest is stored when the stream ends."""
        ...

    def manifest(self, export_id: uuid.UUID) -> dict[str, Any] | None: ...

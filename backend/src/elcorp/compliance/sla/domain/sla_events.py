"""Events of SLA tracking (through the outbox): an escalation mails the people who may act
on the case; a breach is recorded once per goal."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from elcorp.shared.domain.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class SlaCaseEscalated(DomainEvent):
    """A case's escalation time passed before it was resolved (escalated once)."""

    event_type = "compliance.SlaCaseEscalated"
    case_type: str
    case_id: uuid.UUID
    category: str
    priority: str
    resolution_due_at: datetime | None


@dataclass(frozen=True, kw_only=True)
class SlaGoalBreached(DomainEvent):
    """A case's response or resolution goal was missed (recorded once per goal)."""

    event_type = "compliance.SlaGoalBreached"
    case_type: str
    case_id: uuid.UUID
    goal: str  # response | resolution
    breached_at: datetime

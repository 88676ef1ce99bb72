"""Compliance domain events. The incident capability turns the audit alarms into incidents."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from elcorp.shared.domain.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class AuditVerificationFailed(DomainEvent):
    """The chain or a checkpoint did not verify: someone altered audit history."""

    event_type = "compliance.AuditVerificationFailed"
    first_bad_seq: int
    reason: str


@dataclass(frozen=True, kw_only=True)
class AuditSequencerStalled(DomainEvent):
    """Committed audit entries have waited longer than AUDIT_MAX_LAG_SECONDS to be chained."""

    event_type = "compliance.AuditSequencerStalled"
    waiting: int
    oldest_age_seconds: int


@dataclass(frozen=True, kw_only=True)
class IncidentOpened(DomainEvent):
    """An incident was opened (by staff, or automatically from an alarm): its SLA clock
    starts at `occurred_at`."""

    event_type = "compliance.IncidentOpened"
    incident_id: uuid.UUID
    type: str  # security | privacy | availability | aml | operational
    priority: str  # P1..P5
    source: str  # manual | automatic


@dataclass(frozen=True, kw_only=True)
class IncidentStatusChanged(DomainEvent):
    """An incident moved on (acknowledged = responded, resolved = solved) or its priority
    changed: the SLA tracking follows."""

    event_type = "compliance.IncidentStatusChanged"
    incident_id: uuid.UUID
    status: str  # open | acknowledged | investigating | resolved | closed
    priority: str  # P1..P5, as it stands after the change

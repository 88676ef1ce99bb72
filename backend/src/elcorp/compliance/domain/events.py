"""Compliance domain events. The incident capability turns the audit alarms into incidents."""

from __future__ import annotations

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

"""The events compliance publishes, listed for the composition root to register (so a
worker can read any stored compliance event back, whatever it imported)."""

from __future__ import annotations

from elcorp.compliance.domain.events import (
    AuditSequencerStalled,
    AuditVerificationFailed,
    IncidentOpened,
    IncidentStatusChanged,
)
from elcorp.compliance.incidents.domain.breach import BreachEscalationDue
from elcorp.compliance.privacy.domain.privacy_requests import (
    AccessBundleRequested,
    PrivacyRequestClosed,
    PrivacyRequestExtended,
    PrivacyRequestFiled,
    PrivacyRequestVerificationRecorded,
)
from elcorp.compliance.risks.domain.risks import RiskReviewDue
from elcorp.compliance.sla.domain.sla_events import SlaCaseEscalated, SlaGoalBreached
from elcorp.shared.domain.events import DomainEvent

EVENT_TYPES: tuple[type[DomainEvent], ...] = (
    AuditVerificationFailed,
    AuditSequencerStalled,
    IncidentOpened,
    IncidentStatusChanged,
    AccessBundleRequested,
    PrivacyRequestFiled,
    PrivacyRequestVerificationRecorded,
    PrivacyRequestExtended,
    PrivacyRequestClosed,
    RiskReviewDue,
    SlaCaseEscalated,
    SlaGoalBreached,
    BreachEscalationDue,
)

"""The events governance publishes, listed for the composition root to register (so a
worker can read any stored governance event back, whatever it imported)."""

from __future__ import annotations

from elcorp.governance.application.policies import EmergencyAccessUsed
from elcorp.governance.application.service_requests import ApprovalReminderDue
from elcorp.governance.domain.invitations import OrganizationInvitationSent
from elcorp.governance.domain.service_requests import (
    ServiceRequestApprovalRecorded,
    ServiceRequestApproved,
    ServiceRequestAssigned,
    ServiceRequestCancelled,
    ServiceRequestCompleted,
    ServiceRequestRejected,
    ServiceRequestSubmitted,
)
from elcorp.shared.domain.events import DomainEvent

EVENT_TYPES: tuple[type[DomainEvent], ...] = (
    ServiceRequestSubmitted,
    ServiceRequestAssigned,
    ServiceRequestApprovalRecorded,
    ServiceRequestApproved,
    ServiceRequestRejected,
    ServiceRequestCompleted,
    ServiceRequestCancelled,
    ApprovalReminderDue,
    OrganizationInvitationSent,
    EmergencyAccessUsed,
)

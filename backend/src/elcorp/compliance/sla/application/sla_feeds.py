"""What each published event means for a tracked case's SLA history.

The events are the owning contexts' published contract (governance's come from its public
API, `ServiceRequestEvent`); each handler takes the event types it is subscribed to. Each
handler is idempotent: the history rows carry the
source event's id, and a redelivered event writes nothing.

Mappings (and why):
- service requests (governance): submitted = opened; the first assignment = responded and,
  the request now being in review, paused `awaiting_approval` (the operations team's clock
  does not run while approvers decide); approved = resumed; rejected or completed =
  resolved and closed; cancelled = closed, outcome cancelled.
- incidents (compliance): opened = opened (category = incident type); acknowledged (or
  investigating, if the acknowledgement was skipped) = responded; resolved = resolved;
  closed = resolved (if not yet) and closed; a new priority = priority_changed.
- privacy requests (compliance): filed = opened (category = request type); the first
  identity check = responded; an extension (PAIA s26) = due_changed by its days; closed
  (completed or refused) = resolved and closed.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from elcorp.compliance.domain.events import IncidentOpened, IncidentStatusChanged
from elcorp.compliance.privacy.domain.privacy_requests import (
    PrivacyRequestClosed,
    PrivacyRequestExtended,
    PrivacyRequestFiled,
    PrivacyRequestVerificationRecorded,
)
from elcorp.compliance.sla.application.sla import SlaTracking
from elcorp.compliance.sla.domain.sla import CaseEvent, CaseType, EventKind
from elcorp.governance.application.api import (
    ServiceRequestApproved,
    ServiceRequestAssigned,
    ServiceRequestCompleted,
    ServiceRequestEvent,
    ServiceRequestRejected,
    ServiceRequestSubmitted,
)
from elcorp.shared.domain.events import DomainEvent

PRIVACY_PRIORITY = "normal"  # data-subject requests have one statutory clock, no priorities
MINUTES_PER_DAY = 24 * 60


class SlaFeeds:
    """Message-bus handlers that keep the case histories."""

    def __init__(self, tracking: SlaTracking) -> None:
        self._sla = tracking

    def _record(
        self,
        case_type: CaseType,
        case_id: uuid.UUID,
        event: DomainEvent,
        *kinds: tuple[EventKind, dict[str, Any]],
    ) -> None:
        at: datetime = event.occurred_at
        self._sla.record(
            case_type,
            case_id,
            [CaseEvent(kind, at, data) for kind, data in kinds],
            source_event_id=event.event_id,
        )

    # -- service requests -----------------------------------------------------------------
    def on_service_request_event(self, event: ServiceRequestEvent) -> None:
        sr = CaseType.SERVICE_REQUEST
        if isinstance(event, ServiceRequestSubmitted):
            self._sla.open(sr, event.request_id, str(event.category), str(event.priority), event.occurred_at)
            return
        request_id = event.request_id
        if isinstance(event, ServiceRequestAssigned):
            case = self._sla.history(sr, request_id)
            if case is None or case.first(EventKind.RESPONDED) is not None:
                return  # a re-assignment: the response was given already
            self._record(
                sr,
                request_id,
                event,
                (EventKind.RESPONDED, {}),
                (EventKind.PAUSED, {"reason": "awaiting_approval"}),
            )
        elif isinstance(event, ServiceRequestApproved):
            self._record(sr, request_id, event, (EventKind.RESUMED, {"reason": "approved"}))
        elif isinstance(event, ServiceRequestRejected):
            self._record(
                sr,
                request_id,
                event,
                (EventKind.RESOLVED, {"outcome": "rejected"}),
                (EventKind.CLOSED, {"outcome": "rejected"}),
            )
        elif isinstance(event, ServiceRequestCompleted):
            self._record(
                sr,
                request_id,
                event,
                (EventKind.RESOLVED, {"outcome": "completed"}),
                (EventKind.CLOSED, {"outcome": "completed"}),
            )
        else:
            self._record(sr, request_id, event, (EventKind.CLOSED, {"outcome": "cancelled"}))

    # -- incidents ------------------------------------------------------------------------
    def on_incident_opened(self, event: IncidentOpened) -> None:
        self._sla.open(
            CaseType.INCIDENT, event.incident_id, str(event.type), str(event.priority), event.occurred_at
        )

    def on_incident_status_changed(self, event: IncidentStatusChanged) -> None:
        incident_id = event.incident_id
        case = self._sla.history(CaseType.INCIDENT, incident_id)
        if case is None:
            return
        status, priority = str(event.status), str(event.priority)
        kinds: list[tuple[EventKind, dict[str, Any]]] = []
        if priority and priority != case.priority_at(event.occurred_at):
            kinds.append((EventKind.PRIORITY_CHANGED, {"priority": priority}))
        if status in ("acknowledged", "investigating"):
            kinds.append((EventKind.RESPONDED, {"status": status}))
        elif status == "resolved":
            kinds.append((EventKind.RESOLVED, {"status": status}))
        elif status == "closed":
            kinds.append((EventKind.RESOLVED, {"status": status}))
            kinds.append((EventKind.CLOSED, {"outcome": "closed"}))
        if kinds:
            self._record(CaseType.INCIDENT, incident_id, event, *kinds)

    # -- privacy requests -----------------------------------------------------------------
    def on_privacy_request_filed(self, event: PrivacyRequestFiled) -> None:
        self._sla.open(
            CaseType.PRIVACY_REQUEST,
            event.request_id,
            str(event.request_type),
            PRIVACY_PRIORITY,
            event.occurred_at,
        )

    def on_privacy_request_verification(self, event: PrivacyRequestVerificationRecorded) -> None:
        self._record(CaseType.PRIVACY_REQUEST, event.request_id, event, (EventKind.RESPONDED, {}))

    def on_privacy_request_extended(self, event: PrivacyRequestExtended) -> None:
        days = int(event.days)
        self._record(
            CaseType.PRIVACY_REQUEST,
            event.request_id,
            event,
            (
                EventKind.DUE_CHANGED,
                {"extend_minutes": days * MINUTES_PER_DAY, "reason": "PAIA s26 extension"},
            ),
        )

    def on_privacy_request_closed(self, event: PrivacyRequestClosed) -> None:
        status = str(event.status)
        self._record(
            CaseType.PRIVACY_REQUEST,
            event.request_id,
            event,
            (EventKind.RESOLVED, {"outcome": status}),
            (EventKind.CLOSED, {"outcome": status}),
        )

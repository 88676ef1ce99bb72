"""The one shape every change of a data-subject request takes: load it under lock, change
it, save it and audit it in one transaction (action `privacy_request.<verb>`), and what a
closed request tells: who is notified, and the `PrivacyRequestClosed` event."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from elcorp.compliance.privacy.application.privacy_requests_ports import (
    CorrectionRecipients,
    PrivacyRequestsUnitOfWork,
)
from elcorp.compliance.privacy.domain.privacy_requests import (
    PrivacyRequest,
    PrivacyRequestClosed,
    RequestType,
)
from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.domain.clock import Clock, isoformat_z, utc_now
from elcorp.shared.domain.errors import NotFound

# A change of one request, inside the transition's transaction; returns what the audit records.
Act = Callable[[PrivacyRequest, PrivacyRequestsUnitOfWork, datetime], Changes]


class RequestJournal:
    def __init__(
        self,
        uow: Callable[[], PrivacyRequestsUnitOfWork],
        recipients: CorrectionRecipients,
        clock: Clock,
    ) -> None:
        self.uow = uow
        self.clock = clock
        self._recipients = recipients

    def get(self, request_id: uuid.UUID) -> PrivacyRequest:
        with self.uow() as uow:
            request = uow.requests.get(request_id)
        if request is None:
            raise NotFound("Privacy request not found")
        return request

    @staticmethod
    def load(uow: PrivacyRequestsUnitOfWork, request_id: uuid.UUID, *, lock: bool) -> PrivacyRequest:
        request = uow.requests.get(request_id, for_update=lock)
        if request is None:
            raise NotFound("Privacy request not found")
        return request

    def transition(
        self, actor: uuid.UUID, request_id: uuid.UUID, verb: str, act: Act, *, reason: str | None = None
    ) -> PrivacyRequest:
        with self.uow() as uow:
            request = self.load(uow, request_id, lock=True)
            changes = act(request, uow, self.clock.now())
            uow.requests.save(request)
            self.audit(uow, f"privacy_request.{verb}", actor, request, changes, reason)
            uow.commit()
        return request

    @staticmethod
    def audit(
        uow: PrivacyRequestsUnitOfWork,
        action: str,
        actor: uuid.UUID,
        request: PrivacyRequest,
        changes: Changes,
        reason: str | None = None,
    ) -> None:
        # Ids and states only: request details and corrected values stay out of the trail.
        after = {**changes.after, "subject_id": str(request.subject_id), "type": request.type.value}
        uow.audit.record(
            action,
            Actor(str(actor)),
            Resource("privacy_request", str(request.id)),
            Changes(changes.before, after),
            reason,
        )

    @staticmethod
    def subject_notice(now: datetime) -> dict[str, Any]:
        return {"recipient": "data_subject", "channel": "email", "queued_at": isoformat_z(now)}

    def notices(self, request: PrivacyRequest, now: datetime) -> list[dict[str, Any]]:
        """Who is told of the answer: always the subject; for a correction (made, or refused
        with its dispute annotation) also each recipient of that data (POPIA s24(4))."""
        notices = [self.subject_notice(now)]
        if request.type is RequestType.CORRECTION and request.correction is not None:
            for recipient in self._recipients.recipients_of(request.correction.field.value):
                notices.append(
                    {
                        "recipient": recipient,
                        "channel": "processing_register",
                        "queued_at": isoformat_z(now),
                        "field": request.correction.field.value,
                    }
                )
        return notices

    @staticmethod
    def closed(uow: PrivacyRequestsUnitOfWork, request: PrivacyRequest) -> None:
        uow.publish(
            PrivacyRequestClosed(
                request_id=request.id,
                subject_id=request.subject_id,
                request_type=request.type.value,
                status=request.status.value,
                # The closing instant (the service clock's), which the SLA tracking reads.
                occurred_at=request.closed_at or utc_now(),
            )
        )

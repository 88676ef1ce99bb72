"""Reminding approvers of service requests that wait for their decision (a beat job).

A reminder goes through the outbox as `ApprovalReminderDue`; the worker mails it
(workflow_mail.py). The store claims reminders atomically, so two concurrent runs never
remind one person twice of the same request and level.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from elcorp.governance.application.ports import UserDirectory
from elcorp.governance.application.workflow_ports import PendingApproval, WorkflowUnitOfWork
from elcorp.shared.domain.clock import Clock
from elcorp.shared.domain.events import DomainEvent

REMIND_AFTER = timedelta(hours=24)
REMIND_EVERY = timedelta(hours=4)


@dataclass(frozen=True, kw_only=True)
class ApprovalReminderDue(DomainEvent):
    """An approver should be reminded of a request waiting for their level."""

    event_type = "governance.ApprovalReminderDue"
    request_id: uuid.UUID
    approver_id: uuid.UUID
    level: int
    waiting_since: datetime


class ApprovalReminders:
    def __init__(self, uow: Callable[[], WorkflowUnitOfWork], users: UserDirectory, clock: Clock) -> None:
        self._uow = uow
        self._users = users
        self._clock = clock

    def remind_pending_approvers(
        self,
        *,
        waiting_longer_than: timedelta = REMIND_AFTER,
        every: timedelta = REMIND_EVERY,
        at: datetime | None = None,
    ) -> int:
        """Queue one reminder (outbox) for each person who may decide a request's pending
        level when it has waited longer than `waiting_longer_than`, at most once per
        `every` per person and request. Returns how many reminders were queued."""
        now = at or self._clock.now()
        queued = 0
        with self._uow() as uow:
            for pending in uow.requests.pending_approvals(now - waiting_longer_than):
                claimed = uow.requests.claim_reminders(
                    pending.request_id, pending.level, self._approvers(uow, pending), now=now, interval=every
                )
                for approver in sorted(claimed):
                    uow.publish(
                        ApprovalReminderDue(
                            occurred_at=now,
                            request_id=pending.request_id,
                            approver_id=approver,
                            level=pending.level,
                            waiting_since=pending.waiting_since,
                        )
                    )
                    queued += 1
            uow.commit()
        return queued

    def _approvers(self, uow: WorkflowUnitOfWork, pending: PendingApproval) -> frozenset[uuid.UUID]:
        """Active people who may decide the pending level and have not approved it yet
        (never the requester)."""
        return self._users.active_among(
            uow.requests.eligible_approvers(pending.requirement, pending.organization_id)
            - pending.approved_by
            - {pending.requester_id}
        )

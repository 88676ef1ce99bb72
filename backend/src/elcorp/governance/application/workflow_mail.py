"""Emails of the service-request workflow, sent by outbox handlers in the Celery worker.

Who hears what:

- assignment: the assigned user, or every member of the assigned team;
- approval needed (a request enters review, or one level is satisfied and the next is
  waiting): everyone who may decide the pending level (its role or permission plus
  `service_request:approve` reaching the request), never the requester nor someone who
  already approved;
- approved, rejected, completed: the requester;
- reminder (beat job, every 4 hours for approvals waiting more than 24 hours): the
  approver the reminder was claimed for.

Bodies name the request and link to it; they carry no personal data beyond its title.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from elcorp.governance.application.service_requests import ApprovalReminderDue
from elcorp.governance.application.workflow_ports import StoredRequest, WorkflowUnitOfWork
from elcorp.governance.domain.service_requests import (
    AssigneeKind,
    ServiceRequestApprovalRecorded,
    ServiceRequestApproved,
    ServiceRequestAssigned,
    ServiceRequestCompleted,
    ServiceRequestRejected,
)
from elcorp.shared.application.mail import Contacts, EmailSender

logger = logging.getLogger(__name__)


@dataclass
class WorkflowMailer:
    uow: Callable[[], WorkflowUnitOfWork]
    contacts: Contacts
    sender: EmailSender
    public_base_url: str

    # -- handlers ----------------------------------------------------------------------------
    def on_assigned(self, event: ServiceRequestAssigned) -> None:
        stored = self._load(event.request_id)
        if stored is None:
            return
        if event.assignee_kind == AssigneeKind.TEAM.value:
            with self.uow() as uow:
                people = uow.requests.team_members(event.assignee_id)
            subject = f"Service request assigned to your team: {stored.request.title}"
        else:
            people = frozenset({event.assignee_id})
            subject = f"Service request assigned to you: {stored.request.title}"
        self._send(people, subject, self._body(stored, "It was assigned to you or your team."))
        self._notify_approvers(stored)

    def on_approval_recorded(self, event: ServiceRequestApprovalRecorded) -> None:
        if event.pending_level is None:
            return  # the chain is complete: ServiceRequestApproved tells the requester
        stored = self._load(event.request_id)
        if stored is not None:
            self._notify_approvers(stored)

    def on_approved(self, event: ServiceRequestApproved) -> None:
        self._tell_requester(event.request_id, "approved", "Every approval level is satisfied.")

    def on_rejected(self, event: ServiceRequestRejected) -> None:
        self._tell_requester(event.request_id, "rejected", f"Reason given: {event.reason}")

    def on_completed(self, event: ServiceRequestCompleted) -> None:
        self._tell_requester(event.request_id, "completed", "The work is done.")

    def on_reminder_due(self, event: ApprovalReminderDue) -> None:
        stored = self._load(event.request_id)
        if stored is None or stored.request.status.value != "in_review":
            return
        self._send(
            frozenset({event.approver_id}),
            f"Reminder: your approval is needed: {stored.request.title}",
            self._body(
                stored,
                f"It has waited for approval level {event.level} "
                f"since {event.waiting_since:%Y-%m-%d %H:%M} UTC.",
            ),
        )

    # -- helpers -----------------------------------------------------------------------------
    def _load(self, request_id: uuid.UUID) -> StoredRequest | None:
        with self.uow() as uow:
            return uow.requests.get(request_id)

    def _notify_approvers(self, stored: StoredRequest) -> None:
        request = stored.request
        progress = request.approval_progress()
        if request.status.value != "in_review" or request.chain is None or progress is None:
            return
        level = progress.current_level
        if level is None:
            return
        with self.uow() as uow:
            approvers = uow.requests.eligible_approvers(request.chain.level(level), stored.organization_id)
        approvers -= {request.requester_id} | {a.approver_id for a in request.approvals}
        self._send(
            approvers,
            f"Your approval is needed: {request.title}",
            self._body(stored, f"It waits for approval level {level}."),
        )

    def _tell_requester(self, request_id: uuid.UUID, outcome: str, detail: str) -> None:
        stored = self._load(request_id)
        if stored is not None:
            self._send(
                frozenset({stored.request.requester_id}),
                f"Your service request was {outcome}: {stored.request.title}",
                self._body(stored, detail),
            )

    def _body(self, stored: StoredRequest, detail: str) -> str:
        request = stored.request
        due = "" if stored.due_at is None else f"\nDue: {stored.due_at:%Y-%m-%d %H:%M} UTC"
        return (
            f"Service request: {request.title}\nCategory: {request.category}\nPriority: "
            f"{request.priority.value}\nStatus: {request.status.value}{due}\n\n{detail}\n\n"
            f"{self.public_base_url}/api/v1/service-requests/{request.id}\n"
        )

    def _send(self, people: frozenset[uuid.UUID], subject: str, body: str) -> None:
        if not people:
            return
        for user_id, address in sorted(self.contacts.addresses(people).items()):
            self.sender.send(address, subject, body)
            logger.info("service_request.notified user_id=%s subject=%s", user_id, subject)

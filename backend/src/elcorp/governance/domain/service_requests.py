"""The service-request aggregate: a piece of work someone asks for, approved along a chain.

States and the commands that move between them:

    draft --submit--> submitted --assign--> in_review --approve (last level)--> approved
    in_review --reject--> rejected
    approved --start--> in_progress --complete--> completed
    draft | submitted --cancel--> cancelled

`assign` also re-assigns (user or team) while in review, approved or in progress, without a
change of state. `approve` records one approval and moves to approved only when every
applicable level of the chain pinned at submission is satisfied (see approval_chains).
Any other command raises `IllegalTransition`, naming the current state. A command that
fails changes nothing. Every change of state is kept in `history`; events are collected
for the outbox and taken with `pull_events()`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum

from elcorp.governance.domain.approval_chains import (
    ApprovalChain,
    ApprovalProgress,
    ApprovalRecord,
    Approver,
    validate_category,
)
from elcorp.shared.domain.errors import Conflict, ValidationFailed
from elcorp.shared.domain.events import DomainEvent
from elcorp.shared.domain.ids import new_id
from elcorp.shared.domain.money import DEFAULT_CURRENCY, Money

MAX_TITLE = 255
MAX_DESCRIPTION = 10_000
MAX_COMMENT = 2_000


class RequestStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


TERMINAL = frozenset({RequestStatus.REJECTED, RequestStatus.COMPLETED, RequestStatus.CANCELLED})


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    CRITICAL = "critical"


class Command(StrEnum):
    SUBMIT = "submit"
    ASSIGN = "assign"
    APPROVE = "approve"
    REJECT = "reject"
    START = "start"
    COMPLETE = "complete"
    CANCEL = "cancel"


# The states each command may be given in; everything else is an illegal transition.
ALLOWED_IN: dict[Command, frozenset[RequestStatus]] = {
    Command.SUBMIT: frozenset({RequestStatus.DRAFT}),
    Command.ASSIGN: frozenset(
        {RequestStatus.SUBMITTED, RequestStatus.IN_REVIEW, RequestStatus.APPROVED, RequestStatus.IN_PROGRESS}
    ),
    Command.APPROVE: frozenset({RequestStatus.IN_REVIEW}),
    Command.REJECT: frozenset({RequestStatus.IN_REVIEW}),
    Command.START: frozenset({RequestStatus.APPROVED}),
    Command.COMPLETE: frozenset({RequestStatus.IN_PROGRESS}),
    Command.CANCEL: frozenset({RequestStatus.DRAFT, RequestStatus.SUBMITTED}),
}


def allowed_commands(status: RequestStatus) -> frozenset[Command]:
    """What may be done to a request in `status` (e.g. the buttons a dashboard shows)."""
    return frozenset(command for command, states in ALLOWED_IN.items() if status in states)


class IllegalTransition(Conflict):
    """A command the request's current state does not allow."""

    default_message = "The service request is in a state that does not allow this action"

    def __init__(self, command: Command, state: RequestStatus) -> None:
        allowed = sorted(s.value for s in ALLOWED_IN[command])
        super().__init__(
            f"Cannot {command.value} a service request that is {state.value}",
            details={"state": state.value, "action": command.value, "allowed_states": allowed},
        )
        self.command = command
        self.state = state


class AssigneeKind(StrEnum):
    USER = "user"
    TEAM = "team"


@dataclass(frozen=True, slots=True)
class Assignee:
    kind: AssigneeKind
    id: uuid.UUID

    @classmethod
    def user(cls, user_id: uuid.UUID) -> Assignee:
        return cls(AssigneeKind.USER, user_id)

    @classmethod
    def team(cls, team_id: uuid.UUID) -> Assignee:
        return cls(AssigneeKind.TEAM, team_id)


@dataclass(frozen=True, slots=True)
class Transition:
    """One change of state, for the request's history."""

    from_status: RequestStatus
    to_status: RequestStatus
    actor_id: uuid.UUID
    at: datetime
    comment: str = ""


# --------------------------------------------------------------------------- events


@dataclass(frozen=True, kw_only=True)
class ServiceRequestSubmitted(DomainEvent):
    event_type = "governance.ServiceRequestSubmitted"
    request_id: uuid.UUID
    requester_id: uuid.UUID
    category: str
    priority: str
    chain_version: int
    amount: Decimal | None = None
    currency: str | None = None


@dataclass(frozen=True, kw_only=True)
class ServiceRequestAssigned(DomainEvent):
    event_type = "governance.ServiceRequestAssigned"
    request_id: uuid.UUID
    assignee_kind: str
    assignee_id: uuid.UUID
    assigned_by: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class ServiceRequestApprovalRecorded(DomainEvent):
    """One approval given; `pending_level` (None when complete) tells whom to notify next."""

    event_type = "governance.ServiceRequestApprovalRecorded"
    request_id: uuid.UUID
    approver_id: uuid.UUID
    level: int
    pending_level: int | None = None


@dataclass(frozen=True, kw_only=True)
class ServiceRequestApproved(DomainEvent):
    event_type = "governance.ServiceRequestApproved"
    request_id: uuid.UUID
    requester_id: uuid.UUID
    approved_by: uuid.UUID  # the approval that completed the chain


@dataclass(frozen=True, kw_only=True)
class ServiceRequestRejected(DomainEvent):
    event_type = "governance.ServiceRequestRejected"
    request_id: uuid.UUID
    requester_id: uuid.UUID
    rejected_by: uuid.UUID
    level: int
    reason: str


@dataclass(frozen=True, kw_only=True)
class ServiceRequestCompleted(DomainEvent):
    event_type = "governance.ServiceRequestCompleted"
    request_id: uuid.UUID
    requester_id: uuid.UUID
    completed_by: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class ServiceRequestCancelled(DomainEvent):
    event_type = "governance.ServiceRequestCancelled"
    request_id: uuid.UUID
    cancelled_by: uuid.UUID


# --------------------------------------------------------------------------- validation helpers


def _utc(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValidationFailed(details=[{"field": "at", "message": "must be timezone-aware"}])
    return at.astimezone(UTC)


def _text(field_name: str, value: str, *, maximum: int, required: bool = False) -> str:
    if not isinstance(value, str):
        raise ValidationFailed(details=[{"field": field_name, "message": "must be a string"}])
    text = value.strip()
    if required and not text:
        raise ValidationFailed(details=[{"field": field_name, "message": "is required"}])
    if len(text) > maximum:
        raise ValidationFailed(details=[{"field": field_name, "message": f"at most {maximum} characters"}])
    return text


def _amount(amount: Decimal | None, currency: str) -> tuple[Decimal | None, str]:
    money = Money(amount if amount is not None else Decimal(0), currency)  # scale, digits, currency
    if money.is_negative:
        raise ValidationFailed(details=[{"field": "amount", "message": "must not be negative"}])
    return amount, money.currency


# --------------------------------------------------------------------------- the aggregate


@dataclass(eq=False)
class ServiceRequest:
    """A service request. Build one with `create`; change it only through its commands."""

    id: uuid.UUID
    requester_id: uuid.UUID
    category: str
    title: str
    description: str
    created_at: datetime
    priority: Priority = Priority.NORMAL
    amount: Decimal | None = None
    currency: str = DEFAULT_CURRENCY
    status: RequestStatus = RequestStatus.DRAFT
    assignee: Assignee | None = None
    chain: ApprovalChain | None = None  # pinned at submission
    approvals: list[ApprovalRecord] = field(default_factory=list)
    history: list[Transition] = field(default_factory=list)
    updated_at: datetime | None = None
    completed_at: datetime | None = None
    _events: list[DomainEvent] = field(default_factory=list, repr=False)

    @classmethod
    def create(
        cls,
        *,
        requester_id: uuid.UUID,
        category: str,
        title: str,
        at: datetime,
        description: str = "",
        priority: Priority | str = Priority.NORMAL,
        amount: Decimal | None = None,
        currency: str = DEFAULT_CURRENCY,
        request_id: uuid.UUID | None = None,
    ) -> ServiceRequest:
        """A new draft, validated."""
        try:
            level = Priority(priority)
        except ValueError as exc:
            choices = ", ".join(p.value for p in Priority)
            raise ValidationFailed(details=[{"field": "priority", "message": f"use {choices}"}]) from exc
        checked_amount, checked_currency = _amount(amount, currency)
        return cls(
            id=request_id or new_id(),
            requester_id=requester_id,
            category=validate_category(category),
            title=_text("title", title, maximum=MAX_TITLE, required=True),
            description=_text("description", description, maximum=MAX_DESCRIPTION),
            created_at=_utc(at),
            priority=level,
            amount=checked_amount,
            currency=checked_currency,
        )

    # ----------------------------------------------------------------- reading

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL

    @property
    def chain_version(self) -> int | None:
        return None if self.chain is None else self.chain.version

    @property
    def available_commands(self) -> frozenset[Command]:
        return allowed_commands(self.status)

    def approval_progress(self) -> ApprovalProgress | None:
        """Where the request stands on its chain (None before submission)."""
        if self.chain is None:
            return None
        return self.chain.progress(self.amount, self.approvals)

    def pull_events(self) -> list[DomainEvent]:
        """The events raised since the last call (for the outbox), oldest first."""
        events, self._events = self._events, []
        return events

    # ----------------------------------------------------------------- commands

    def submit(self, actor_id: uuid.UUID, at: datetime, chain: ApprovalChain, comment: str = "") -> None:
        """Send the draft for approval under `chain` (the category's current version)."""
        self._require(Command.SUBMIT)
        moment, note = _utc(at), _text("comment", comment, maximum=MAX_COMMENT)
        if chain.category != self.category:
            raise ValidationFailed(
                details=[
                    {"field": "chain", "message": f"chain is for {chain.category!r}, not {self.category!r}"}
                ]
            )
        self.chain = chain
        self._move(RequestStatus.SUBMITTED, actor_id, moment, note)
        self._events.append(
            ServiceRequestSubmitted(
                occurred_at=moment,
                request_id=self.id,
                requester_id=self.requester_id,
                category=self.category,
                priority=self.priority.value,
                chain_version=chain.version,
                amount=self.amount,
                currency=self.currency if self.amount is not None else None,
            )
        )

    def assign(self, actor_id: uuid.UUID, assignee: Assignee, at: datetime, comment: str = "") -> None:
        """Give the request to a user or team. A submitted request goes into review."""
        self._require(Command.ASSIGN)
        moment, note = _utc(at), _text("comment", comment, maximum=MAX_COMMENT)
        if assignee == self.assignee and self.status is not RequestStatus.SUBMITTED:
            return
        self.assignee = assignee
        if self.status is RequestStatus.SUBMITTED:
            self._move(RequestStatus.IN_REVIEW, actor_id, moment, note)
        else:
            self.updated_at = moment
        self._events.append(
            ServiceRequestAssigned(
                occurred_at=moment,
                request_id=self.id,
                assignee_kind=assignee.kind.value,
                assignee_id=assignee.id,
                assigned_by=actor_id,
            )
        )

    def approve(self, approver: Approver, at: datetime, comment: str = "") -> None:
        """Record one approval; the request is approved once every applicable level is."""
        self._require(Command.APPROVE)
        moment, note = _utc(at), _text("comment", comment, maximum=MAX_COMMENT)
        chain = self._pinned_chain()
        level = chain.approval_level_for(approver, self.requester_id, self.amount, self.approvals)
        self.approvals.append(ApprovalRecord(approver.id, level, moment, note))
        self.updated_at = moment
        progress = chain.progress(self.amount, self.approvals)
        self._events.append(
            ServiceRequestApprovalRecorded(
                occurred_at=moment,
                request_id=self.id,
                approver_id=approver.id,
                level=level,
                pending_level=progress.current_level,
            )
        )
        if progress.complete:
            self._move(RequestStatus.APPROVED, approver.id, moment, note)
            self._events.append(
                ServiceRequestApproved(
                    occurred_at=moment,
                    request_id=self.id,
                    requester_id=self.requester_id,
                    approved_by=approver.id,
                )
            )

    def reject(self, approver: Approver, at: datetime, reason: str) -> None:
        """Reject the request; only someone eligible for a pending level may, with a reason."""
        self._require(Command.REJECT)
        moment = _utc(at)
        note = _text("reason", reason, maximum=MAX_COMMENT, required=True)
        chain = self._pinned_chain()
        level = chain.rejection_level_for(approver, self.requester_id, self.amount, self.approvals)
        self._move(RequestStatus.REJECTED, approver.id, moment, note)
        self._events.append(
            ServiceRequestRejected(
                occurred_at=moment,
                request_id=self.id,
                requester_id=self.requester_id,
                rejected_by=approver.id,
                level=level,
                reason=note,
            )
        )

    def start(self, actor_id: uuid.UUID, at: datetime, comment: str = "") -> None:
        """Begin the approved work."""
        self._require(Command.START)
        moment, note = _utc(at), _text("comment", comment, maximum=MAX_COMMENT)
        self._move(RequestStatus.IN_PROGRESS, actor_id, moment, note)

    def complete(self, actor_id: uuid.UUID, at: datetime, comment: str = "") -> None:
        """Finish the work."""
        self._require(Command.COMPLETE)
        moment, note = _utc(at), _text("comment", comment, maximum=MAX_COMMENT)
        self._move(RequestStatus.COMPLETED, actor_id, moment, note)
        self.completed_at = moment
        self._events.append(
            ServiceRequestCompleted(
                occurred_at=moment, request_id=self.id, requester_id=self.requester_id, completed_by=actor_id
            )
        )

    def cancel(self, actor_id: uuid.UUID, at: datetime, reason: str = "") -> None:
        """Withdraw a draft or a submitted request (not once review has begun)."""
        self._require(Command.CANCEL)
        moment, note = _utc(at), _text("reason", reason, maximum=MAX_COMMENT)
        self._move(RequestStatus.CANCELLED, actor_id, moment, note)
        self._events.append(
            ServiceRequestCancelled(occurred_at=moment, request_id=self.id, cancelled_by=actor_id)
        )

    # ----------------------------------------------------------------- internals

    def _require(self, command: Command) -> None:
        if self.status not in ALLOWED_IN[command]:
            raise IllegalTransition(command, self.status)

    def _pinned_chain(self) -> ApprovalChain:
        if self.chain is None:  # only a corrupted row could get here: submit always pins one
            raise Conflict("The service request has no approval chain")
        return self.chain

    def _move(self, to: RequestStatus, actor_id: uuid.UUID, at: datetime, comment: str) -> None:
        self.history.append(Transition(self.status, to, actor_id, at, comment))
        self.status = to
        self.updated_at = at

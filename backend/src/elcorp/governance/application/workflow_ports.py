"""Ports of the service-request workflow: its store, its unit of work, SLA deadlines, mail."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from elcorp.governance.domain.approval_chains import ApprovalChain, ApprovalLevel
from elcorp.governance.domain.service_requests import Priority, RequestStatus, ServiceRequest
from elcorp.shared.application.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class Category:
    name: str
    description: str
    active: bool
    chain_version: int | None  # the current chain's version (None: no chain yet)


@dataclass(frozen=True, slots=True)
class StoredRequest:
    """A request with what the workflow keeps beside the aggregate."""

    request: ServiceRequest
    organization_id: uuid.UUID | None
    submitted_at: datetime | None
    due_at: datetime | None


@dataclass(frozen=True, slots=True)
class Comment:
    id: uuid.UUID
    request_id: uuid.UUID
    author_id: uuid.UUID
    body: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class RequestFilter:
    """List filters. `visible_to_*` narrow the list to what the caller may see."""

    status: RequestStatus | None = None
    priority: Priority | None = None
    category: str | None = None
    assignee_id: uuid.UUID | None = None
    requester_id: uuid.UUID | None = None
    overdue_at: datetime | None = None  # only requests open past their deadline at this time
    visible_to_requester: uuid.UUID | None = None
    visible_to_organization: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class PendingApproval:
    """A request waiting at a level of its chain (for reminders)."""

    request_id: uuid.UUID
    requester_id: uuid.UUID
    organization_id: uuid.UUID | None
    title: str
    level: int
    requirement: ApprovalLevel
    approved_by: frozenset[uuid.UUID]
    waiting_since: datetime


class ServiceRequestStore(Protocol):
    # -- categories and chains
    def categories(self, *, include_inactive: bool = False) -> list[Category]: ...

    def category(self, name: str, *, for_update: bool = False) -> Category | None: ...

    def add_category(self, name: str, description: str) -> None: ...

    def update_category(self, name: str, *, description: str, active: bool) -> None: ...

    def chain(self, category: str, version: int | None = None) -> ApprovalChain | None:
        """The given version, or the current (highest) one."""
        ...

    def chain_versions(self, category: str) -> list[ApprovalChain]: ...

    def add_chain(self, chain: ApprovalChain, created_by: uuid.UUID) -> None: ...

    # -- requests
    def add(self, stored: StoredRequest) -> None: ...

    def get(self, request_id: uuid.UUID, *, for_update: bool = False) -> StoredRequest | None: ...

    def save(self, stored: StoredRequest) -> None:
        """Write the request's row and append its new approvals and transitions."""
        ...

    def search(self, where: RequestFilter, *, offset: int, limit: int) -> tuple[list[StoredRequest], int]: ...

    def add_comment(self, comment: Comment) -> None: ...

    def comments(self, request_id: uuid.UUID) -> list[Comment]: ...

    # -- people
    def organization_of(self, user_id: uuid.UUID) -> uuid.UUID | None: ...

    def team_organization(self, team_id: uuid.UUID) -> uuid.UUID | None:
        """The organization the team belongs to; None for an unknown team."""
        ...

    def known_roles(self) -> frozenset[str]: ...

    def team_members(self, team_id: uuid.UUID) -> frozenset[uuid.UUID]: ...

    def eligible_approvers(
        self, level: ApprovalLevel, organization_id: uuid.UUID | None
    ) -> frozenset[uuid.UUID]:
        """Active users who hold the level's role or permission and `service_request:approve`
        with a scope that reaches a request of `organization_id`."""
        ...

    # -- reminders
    def pending_approvals(self, waiting_since_before: datetime) -> list[PendingApproval]: ...

    def claim_reminders(
        self,
        request_id: uuid.UUID,
        level: int,
        approver_ids: frozenset[uuid.UUID],
        *,
        now: datetime,
        interval: timedelta,
    ) -> frozenset[uuid.UUID]:
        """Record a reminder for each approver not reminded of this request at this level
        within `interval`; returns those (atomic: two concurrent runs never both claim)."""
        ...


class WorkflowUnitOfWork(UnitOfWork, Protocol):
    @property
    def requests(self) -> ServiceRequestStore: ...


class SlaDeadlines(Protocol):
    """When a submitted request is due (compliance's SLA policies once they exist)."""

    def deadline(self, category: str, priority: Priority, submitted_at: datetime) -> datetime: ...


# Until compliance's SLA policies exist: calendar hours per priority.
DEFAULT_SLA_HOURS: dict[Priority, int] = {
    Priority.CRITICAL: 4,
    Priority.HIGH: 24,
    Priority.NORMAL: 72,
    Priority.LOW: 168,
}


class DefaultSlaTable:
    def __init__(self, hours: dict[Priority, int] | None = None) -> None:
        self._hours = dict(hours or DEFAULT_SLA_HOURS)

    def deadline(self, category: str, priority: Priority, submitted_at: datetime) -> datetime:
        return submitted_at + timedelta(hours=self._hours[priority])

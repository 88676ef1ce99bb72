"""Service-request use cases: open, move through the workflow, comment, list; configure
categories and their versioned approval chains; remind pending approvers.

Who may do what (docs/SECURITY.md, "Service requests"):

- reading needs `service_request:read`; its scope decides which requests a caller sees
  (`own`: those they asked for; `organization`: also those of their organization; `all`).
  A request the caller cannot see is a 404, never a 403;
- open, submit: `service_request:create`, and only the requester submits their own draft;
  cancel: the requester, or a holder of `service_request:manage`;
- assign, start, complete: `service_request:manage`; the assignee must be able to work on
  the request too (domain/assignment.py: 422 `GOV_001`..`GOV_003`, nothing saved or mailed);
- approve, reject: `service_request:approve`, plus the pending chain level's role or
  permission (the domain's approval chain), never the requester, one approval per person;
- categories and chains: `workflow:manage`.

Every command also goes through the policy engine (PBAC: ownership, organization scope,
segregation of duties, business hours, ... as configured); a deny is audited and is a 403.
The request row is locked (`FOR UPDATE`) for the length of a command, so two concurrent
commands on one request apply one after the other, each to the state the other left.

`ServiceRequests` is the one entry point the HTTP layer and the jobs call; each use case
lives in its own module: service_request_queries.py (reads), service_request_commands.py
(open, workflow commands, comments), service_request_categories.py (categories and
chains), approval_reminders.py (the reminder job), with the rules they share in
service_request_access.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from elcorp.governance.application.api import AccessControl
from elcorp.governance.application.approval_reminders import (
    REMIND_AFTER,
    REMIND_EVERY,
    ApprovalReminderDue,
    ApprovalReminders,
)
from elcorp.governance.application.policies import PolicyAdministration
from elcorp.governance.application.ports import UserDirectory
from elcorp.governance.application.service_request_access import RequestAccess, RequestView
from elcorp.governance.application.service_request_categories import RequestCategories
from elcorp.governance.application.service_request_commands import RequestCommands
from elcorp.governance.application.service_request_queries import RequestQueries
from elcorp.governance.application.workflow_ports import (
    Category,
    Comment,
    RequestFilter,
    SlaDeadlines,
    WorkflowUnitOfWork,
)
from elcorp.governance.domain.approval_chains import ApprovalChain
from elcorp.governance.domain.service_requests import Assignee, Command, Priority, RequestStatus
from elcorp.shared.application.pagination import Page, PageRequest
from elcorp.shared.domain.clock import Clock, SystemClock


class ServiceRequests:
    """The service-request use cases behind one entry point; each call is handed to the
    use-case class that owns it."""

    def __init__(
        self,
        uow: Callable[[], WorkflowUnitOfWork],
        access: AccessControl,
        policies: PolicyAdministration,
        users: UserDirectory,
        sla: SlaDeadlines,
        *,
        clock: Clock | None = None,
    ) -> None:
        self._clock = clock or SystemClock()
        guard = RequestAccess(access, policies, self._clock)
        self._queries = RequestQueries(uow, guard)
        self._commands = RequestCommands(uow, guard, users, sla, self._clock)
        self._categories = RequestCategories(uow, access)
        self._reminders = ApprovalReminders(uow, users, self._clock)

    def now(self) -> datetime:
        return self._clock.now()

    # -- requests: reads ------------------------------------------------------------------
    def get(self, caller: uuid.UUID, request_id: uuid.UUID) -> RequestView:
        return self._queries.get(caller, request_id)

    def search(self, caller: uuid.UUID, where: RequestFilter, page: PageRequest) -> Page[RequestView]:
        return self._queries.search(caller, where, page)

    def comments(self, caller: uuid.UUID, request_id: uuid.UUID) -> list[Comment]:
        return self._queries.comments(caller, request_id)

    def comment(self, caller: uuid.UUID, request_id: uuid.UUID, comment_id: uuid.UUID) -> Comment:
        return self._queries.comment(caller, request_id, comment_id)

    # -- requests: changes ----------------------------------------------------------------
    def open(
        self,
        caller: uuid.UUID,
        *,
        category: str,
        title: str,
        description: str = "",
        priority: str = Priority.NORMAL.value,
        amount: Decimal | None = None,
        currency: str = "NAD",
    ) -> RequestView:
        """A new draft in `category` (an active one), asked for by the caller."""
        return self._commands.open(
            caller,
            category=category,
            title=title,
            description=description,
            priority=priority,
            amount=amount,
            currency=currency,
        )

    def command(
        self,
        caller: uuid.UUID,
        request_id: uuid.UUID,
        command: Command,
        *,
        comment: str = "",
        assignee: Assignee | None = None,
    ) -> RequestView:
        """Apply one workflow command (`submit`, `assign`, ..., `cancel`) to a request."""
        return self._commands.command(caller, request_id, command, comment=comment, assignee=assignee)

    def add_comment(self, caller: uuid.UUID, request_id: uuid.UUID, body: str) -> Comment:
        return self._commands.add_comment(caller, request_id, body)

    # -- categories and chains ------------------------------------------------------------
    def categories(self, caller: uuid.UUID, *, include_inactive: bool = False) -> list[Category]:
        return self._categories.categories(caller, include_inactive=include_inactive)

    def category(self, caller: uuid.UUID, name: str) -> Category:
        return self._categories.category(caller, name)

    def chain(self, caller: uuid.UUID, category: str, version: int | None = None) -> ApprovalChain:
        return self._categories.chain(caller, category, version)

    def chain_versions(self, caller: uuid.UUID, category: str) -> list[ApprovalChain]:
        return self._categories.chain_versions(caller, category)

    def add_category(
        self, caller: uuid.UUID, *, name: str, description: str, levels: Sequence[Mapping[str, object]]
    ) -> tuple[Category, ApprovalChain]:
        return self._categories.add_category(caller, name=name, description=description, levels=levels)

    def update_category(
        self, caller: uuid.UUID, name: str, *, description: str | None, active: bool | None
    ) -> Category:
        return self._categories.update_category(caller, name, description=description, active=active)

    def revise_chain(
        self, caller: uuid.UUID, category: str, levels: Sequence[Mapping[str, object]]
    ) -> ApprovalChain:
        """A new version of the category's chain; requests already submitted keep theirs."""
        return self._categories.revise_chain(caller, category, levels)

    # -- reminders (beat job) --------------------------------------------------------------
    def remind_pending_approvers(
        self,
        *,
        waiting_longer_than: timedelta = REMIND_AFTER,
        every: timedelta = REMIND_EVERY,
        at: datetime | None = None,
    ) -> int:
        """Queue the reminders due to approvers; returns how many (approval_reminders.py)."""
        return self._reminders.remind_pending_approvers(
            waiting_longer_than=waiting_longer_than, every=every, at=at
        )


__all__ = [
    "ApprovalReminderDue",
    "Category",
    "Comment",
    "Priority",
    "RequestFilter",
    "RequestStatus",
    "RequestView",
    "ServiceRequests",
]

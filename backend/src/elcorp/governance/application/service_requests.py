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
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from elcorp.governance.application.api import AccessControl
from elcorp.governance.application.policies import PolicyAdministration
from elcorp.governance.application.ports import UserDirectory
from elcorp.governance.application.workflow_ports import (
    Category,
    Comment,
    RequestFilter,
    SlaDeadlines,
    StoredRequest,
    WorkflowUnitOfWork,
)
from elcorp.governance.domain.approval_chains import ApprovalChain, ApprovalLevel, Approver, validate_category
from elcorp.governance.domain.assignment import (
    Candidate,
    RequestParties,
    ensure_team_assignable,
    ensure_user_assignable,
)
from elcorp.governance.domain.policies import Resource
from elcorp.governance.domain.rbac import PERMISSION_NAMES, Grants, Scope
from elcorp.governance.domain.service_requests import (
    MAX_COMMENT,
    Assignee,
    AssigneeKind,
    Command,
    Priority,
    RequestStatus,
    ServiceRequest,
)
from elcorp.shared.application import audit
from elcorp.shared.application.pagination import Page, PageRequest
from elcorp.shared.domain.clock import Clock, SystemClock
from elcorp.shared.domain.errors import AccessDenied, AlreadyExists, Conflict, NotFound, ValidationFailed
from elcorp.shared.domain.events import DomainEvent
from elcorp.shared.domain.ids import new_id

READ, CREATE, MANAGE, APPROVE, CONFIGURE = (
    "service_request:read",
    "service_request:create",
    "service_request:manage",
    "service_request:approve",
    "workflow:manage",
)
COMMAND_PERMISSION: dict[Command, str] = {
    Command.SUBMIT: CREATE,
    Command.CANCEL: CREATE,
    Command.ASSIGN: MANAGE,
    Command.START: MANAGE,
    Command.COMPLETE: MANAGE,
    Command.APPROVE: APPROVE,
    Command.REJECT: APPROVE,
}
MAX_CATEGORY_DESCRIPTION = 500
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


@dataclass(frozen=True, slots=True)
class RequestView:
    stored: StoredRequest
    now: datetime
    allowed: frozenset[Command] = field(default_factory=frozenset)

    @property
    def request(self) -> ServiceRequest:
        return self.stored.request

    @property
    def overdue(self) -> bool:
        due = self.stored.due_at
        return due is not None and not self.request.is_terminal and due < self.now


def _invalid(field_name: str, message: str) -> ValidationFailed:
    return ValidationFailed(details=[{"field": field_name, "message": message}])


class ServiceRequests:
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
        self._uow = uow
        self._access = access
        self._policies = policies
        self._users = users
        self._sla = sla
        self._clock = clock or SystemClock()

    def now(self) -> datetime:
        return self._clock.now()

    # -- requests: reads ------------------------------------------------------------------
    def get(self, caller: uuid.UUID, request_id: uuid.UUID) -> RequestView:
        grants = self._access.grants_for(caller)
        with self._uow() as uow:
            stored = self._visible(uow, caller, grants, request_id)
        return self._view(caller, grants, stored)

    def search(self, caller: uuid.UUID, where: RequestFilter, page: PageRequest) -> Page[RequestView]:
        grants = self._access.grants_for(caller)
        scope = grants.scope_of(READ)
        if scope is None:
            raise AccessDenied(f"{READ} is required")
        with self._uow() as uow:
            if scope is not Scope.ALL:
                organization = uow.requests.organization_of(caller) if scope is Scope.ORGANIZATION else None
                where = dataclasses.replace(
                    where, visible_to_requester=caller, visible_to_organization=organization
                )
            found, total = uow.requests.search(where, offset=page.offset, limit=page.per_page)
        return Page([self._view(caller, grants, s) for s in found], page.page, page.per_page, total)

    def comments(self, caller: uuid.UUID, request_id: uuid.UUID) -> list[Comment]:
        grants = self._access.grants_for(caller)
        with self._uow() as uow:
            self._visible(uow, caller, grants, request_id)
            return uow.requests.comments(request_id)

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
        grants = self._access.require(caller, CREATE)
        now = self._clock.now()
        request = ServiceRequest.create(
            requester_id=caller,
            category=category,
            title=title,
            description=description,
            priority=priority,
            amount=amount,
            currency=currency,
            at=now,
        )
        with self._uow() as uow:
            found = uow.requests.category(request.category)
            if found is None or not found.active:
                raise _invalid("category", f"no active category {request.category!r}")
            organization = uow.requests.organization_of(caller)
        self._enforce(caller, CREATE, request, organization)
        with self._uow() as uow:
            stored = StoredRequest(request, organization, None, None)
            uow.requests.add(stored)
            uow.audit.record(
                "service_request.created",
                self._actor(grants, caller),
                audit.Resource("service_request", str(request.id)),
                audit.Changes(after=_request_audit(stored)),
            )
            uow.commit()
        return self._view(caller, grants, stored)

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
        grants = self._access.grants_for(caller)
        now = self._clock.now()
        # Policies first, in a read of their own: a deny is audited in its own transaction.
        # What they read (requester, organization, amount) never changes after opening.
        with self._uow() as uow:
            seen = self._visible(uow, caller, grants, request_id)
        permission = self._command_permission(caller, grants, command, seen.request)
        self._enforce(caller, permission, seen.request, seen.organization_id)
        with self._uow() as uow:
            stored = self._visible(uow, caller, grants, request_id, for_update=True)
            request = stored.request
            before = _request_audit(stored)
            if command is Command.ASSIGN:
                if assignee is None:
                    raise _invalid("assignee", "give a user_id or a team_id")
                self._check_assignee(uow, assignee, stored)
                request.assign(caller, assignee, now, comment)
            elif command is Command.SUBMIT:
                chain = uow.requests.chain(request.category)
                if chain is None:
                    raise Conflict(f"Category {request.category!r} has no approval chain")
                request.submit(caller, now, chain, comment)
                stored = StoredRequest(
                    request,
                    stored.organization_id,
                    now,
                    self._sla.deadline(request.category, request.priority, now),
                )
            elif command is Command.APPROVE:
                request.approve(Approver.from_grants(caller, grants), now, comment)
            elif command is Command.REJECT:
                request.reject(Approver.from_grants(caller, grants), now, comment)
            elif command is Command.START:
                request.start(caller, now, comment)
            elif command is Command.COMPLETE:
                request.complete(caller, now, comment)
            else:
                request.cancel(caller, now, comment)
            uow.requests.save(stored)
            for event in request.pull_events():
                uow.publish(event)
            uow.audit.record(
                f"service_request.{command.value}",
                self._actor(grants, caller),
                audit.Resource("service_request", str(request.id)),
                audit.Changes(before, _request_audit(stored)),
                reason=comment.strip() or None,
            )
            uow.commit()
        return self._view(caller, grants, stored)

    def add_comment(self, caller: uuid.UUID, request_id: uuid.UUID, body: str) -> Comment:
        grants = self._access.grants_for(caller)
        text = body.strip() if isinstance(body, str) else ""
        if not text:
            raise _invalid("body", "is required")
        if len(text) > MAX_COMMENT:
            raise _invalid("body", f"at most {MAX_COMMENT} characters")
        with self._uow() as uow:
            stored = self._visible(uow, caller, grants, request_id)
            comment = Comment(new_id(), stored.request.id, caller, text, self._clock.now())
            uow.requests.add_comment(comment)
            uow.audit.record(  # the text stays out of the audit log (it may hold personal data)
                "service_request.commented",
                self._actor(grants, caller),
                audit.Resource("service_request", str(request_id)),
                audit.Changes(after={"comment_id": str(comment.id), "length": len(text)}),
            )
            uow.commit()
        return comment

    # -- categories and chains ------------------------------------------------------------
    def categories(self, caller: uuid.UUID, *, include_inactive: bool = False) -> list[Category]:
        grants = self._access.grants_for(caller)
        if not (grants.allows(CREATE) or grants.allows(READ) or grants.allows(CONFIGURE)):
            raise AccessDenied("service_request:create or service_request:read is required")
        with self._uow() as uow:
            return uow.requests.categories(include_inactive=include_inactive and grants.allows(CONFIGURE))

    def chain(self, caller: uuid.UUID, category: str, version: int | None = None) -> ApprovalChain:
        self.categories(caller)  # the same right to look
        with self._uow() as uow:
            found = uow.requests.chain(category, version)
        if found is None:
            raise NotFound("Approval chain not found")
        return found

    def chain_versions(self, caller: uuid.UUID, category: str) -> list[ApprovalChain]:
        self._access.require(caller, CONFIGURE)
        with self._uow() as uow:
            if uow.requests.category(category) is None:
                raise NotFound("Category not found")
            return uow.requests.chain_versions(category)

    def add_category(
        self, caller: uuid.UUID, *, name: str, description: str, levels: Sequence[Mapping[str, object]]
    ) -> tuple[Category, ApprovalChain]:
        grants = self._access.require(caller, CONFIGURE)
        name = validate_category(name)
        text = _description(description)
        with self._uow() as uow:
            chain = ApprovalChain(name, 1, self._levels(uow, levels))
            if uow.requests.category(name) is not None:
                raise AlreadyExists(f"Category {name!r} already exists")
            uow.requests.add_category(name, text)
            uow.requests.add_chain(chain, caller)
            uow.audit.record(
                "service_request_category.created",
                self._actor(grants, caller),
                audit.Resource("service_request_category", name),
                audit.Changes(after={"description": text, "chain": chain.to_dict()}),
            )
            uow.commit()
        return Category(name, text, True, 1), chain

    def update_category(
        self, caller: uuid.UUID, name: str, *, description: str | None, active: bool | None
    ) -> Category:
        grants = self._access.require(caller, CONFIGURE)
        with self._uow() as uow:
            before = uow.requests.category(name, for_update=True)
            if before is None:
                raise NotFound("Category not found")
            after = Category(
                name,
                before.description if description is None else _description(description),
                before.active if active is None else active,
                before.chain_version,
            )
            uow.requests.update_category(name, description=after.description, active=after.active)
            uow.audit.record(
                "service_request_category.updated",
                self._actor(grants, caller),
                audit.Resource("service_request_category", name),
                audit.Changes(
                    {"description": before.description, "active": before.active},
                    {"description": after.description, "active": after.active},
                ),
            )
            uow.commit()
        return after

    def revise_chain(
        self, caller: uuid.UUID, category: str, levels: Sequence[Mapping[str, object]]
    ) -> ApprovalChain:
        """A new version of the category's chain; requests already submitted keep theirs."""
        grants = self._access.require(caller, CONFIGURE)
        with self._uow() as uow:
            if uow.requests.category(category, for_update=True) is None:  # serialises revisions
                raise NotFound("Category not found")
            current = uow.requests.chain(category)
            new_levels = self._levels(uow, levels)
            chain = (
                current.revised(new_levels) if current is not None else ApprovalChain(category, 1, new_levels)
            )
            uow.requests.add_chain(chain, caller)
            uow.audit.record(
                "approval_chain.revised",
                self._actor(grants, caller),
                audit.Resource("approval_chain", f"{category}@{chain.version}"),
                audit.Changes({} if current is None else current.to_dict(), chain.to_dict()),
            )
            uow.commit()
        return chain

    # -- reminders (beat job) --------------------------------------------------------------
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
                approvers = self._users.active_among(
                    uow.requests.eligible_approvers(pending.requirement, pending.organization_id)
                    - pending.approved_by
                    - {pending.requester_id}
                )
                for approver in sorted(
                    uow.requests.claim_reminders(
                        pending.request_id, pending.level, approvers, now=now, interval=every
                    )
                ):
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

    # -- helpers ---------------------------------------------------------------------------
    def _visible(
        self,
        uow: WorkflowUnitOfWork,
        caller: uuid.UUID,
        grants: Grants,
        request_id: uuid.UUID,
        *,
        for_update: bool = False,
    ) -> StoredRequest:
        stored = uow.requests.get(request_id, for_update=for_update)
        if stored is None or not self._reaches(uow, caller, grants, READ, stored):
            raise NotFound("Service request not found")
        return stored

    @staticmethod
    def _reaches(
        uow: WorkflowUnitOfWork, caller: uuid.UUID, grants: Grants, permission: str, stored: StoredRequest
    ) -> bool:
        scope = grants.scope_of(permission)
        if scope is None:
            return False
        if scope is Scope.ALL or stored.request.requester_id == caller:
            return True
        if scope is Scope.ORGANIZATION:
            mine = uow.requests.organization_of(caller)
            return mine is not None and mine == stored.organization_id
        return False

    @staticmethod
    def _command_permission(
        caller: uuid.UUID, grants: Grants, command: Command, request: ServiceRequest
    ) -> str:
        permission = COMMAND_PERMISSION[command]
        mine = request.requester_id == caller
        if command is Command.CANCEL and not mine and grants.allows(MANAGE):
            return MANAGE
        if not grants.allows(permission):
            raise AccessDenied(f"{permission} is required to {command.value} a service request")
        if command in (Command.SUBMIT, Command.CANCEL) and not mine:
            raise AccessDenied(f"Only the requester may {command.value} this service request")
        return permission

    def _enforce(
        self, caller: uuid.UUID, action: str, request: ServiceRequest, organization: uuid.UUID | None
    ) -> None:
        """The policy engine's say (a deny is audited and raised as 403)."""
        resource = Resource(
            "service_request",
            request.id,
            owner_id=request.requester_id,
            organization_id=organization,
            maker_id=request.requester_id,
            amount=request.amount,
            currency=request.currency if request.amount is not None else None,
        )
        self._policies.authorize(caller, action, resource)

    def _check_assignee(self, uow: WorkflowUnitOfWork, assignee: Assignee, stored: StoredRequest) -> None:
        """The assignee exists and may work on the request (domain/assignment.py): checked
        inside the command's transaction, before anything is saved or mailed."""
        parties = RequestParties(stored.request.requester_id, stored.organization_id)
        if assignee.kind is AssigneeKind.TEAM:
            team_organization = uow.requests.team_organization(assignee.id)
            if team_organization is None:
                raise _invalid("team_id", "no such team")
            members = [self._candidate(uow, m) for m in sorted(uow.requests.team_members(assignee.id))]
            ensure_team_assignable(team_organization, members, parties)
            return
        if assignee.id not in self._users.active_among([assignee.id]):
            raise _invalid("user_id", "no such active user")
        ensure_user_assignable(self._candidate(uow, assignee.id), parties)

    def _candidate(self, uow: WorkflowUnitOfWork, user_id: uuid.UUID) -> Candidate:
        """A would-be assignee as the assignment rule sees them: their stored grants (the
        caller's own, cut to their session, when they assign themselves)."""
        grants = self._access.grants_for(user_id)
        return Candidate(
            user_id, uow.requests.organization_of(user_id), grants.scope_of(MANAGE), grants.scope_of(READ)
        )

    def _levels(
        self, uow: WorkflowUnitOfWork, levels: Sequence[Mapping[str, object]]
    ) -> tuple[ApprovalLevel, ...]:
        parsed = tuple(ApprovalLevel.from_dict(level) for level in levels)
        known = uow.requests.known_roles()
        for n, level in enumerate(parsed, start=1):
            if level.required_role is not None and level.required_role not in known:
                raise _invalid(f"levels[{n}].required_role", f"no role {level.required_role!r}")
            if level.required_permission is not None and level.required_permission not in PERMISSION_NAMES:
                raise _invalid(
                    f"levels[{n}].required_permission", f"no permission {level.required_permission!r}"
                )
        return parsed

    def _view(self, caller: uuid.UUID, grants: Grants, stored: StoredRequest) -> RequestView:
        request = stored.request
        allowed = frozenset(
            c
            for c in request.available_commands
            if grants.allows(COMMAND_PERMISSION[c])
            and (c not in (Command.SUBMIT, Command.CANCEL) or request.requester_id == caller)
        )
        return RequestView(stored, self._clock.now(), allowed)

    @staticmethod
    def _actor(grants: Grants, caller: uuid.UUID) -> audit.Actor:
        return audit.Actor(id=str(caller), roles=tuple(sorted(grants.roles)))


def _description(value: str | None) -> str:
    text = (value or "").strip()
    if len(text) > MAX_CATEGORY_DESCRIPTION:
        raise _invalid("description", f"at most {MAX_CATEGORY_DESCRIPTION} characters")
    return text


def _request_audit(stored: StoredRequest) -> dict[str, object]:
    request = stored.request
    return {
        "status": request.status.value,
        "category": request.category,
        "priority": request.priority.value,
        "amount": None if request.amount is None else format(request.amount, "f"),
        "currency": request.currency,
        "assignee": None
        if request.assignee is None
        else {"kind": request.assignee.kind.value, "id": str(request.assignee.id)},
        "chain_version": request.chain_version,
        "approvals": [{"approver_id": str(a.approver_id), "level": a.level} for a in request.approvals],
        "due_at": None if stored.due_at is None else stored.due_at.isoformat(),
    }


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

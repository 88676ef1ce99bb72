"""Changing service requests: open a draft, apply a workflow command, comment.

Every change goes through the policy engine first, in a read of its own, so a deny is
audited in its own transaction; what the policies read (requester, organization, amount)
never changes after opening. The request row is then locked (`FOR UPDATE`) for the length
of the command, so two concurrent commands on one request apply one after the other.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from elcorp.governance.application.ports import UserDirectory
from elcorp.governance.application.service_request_access import (
    CREATE,
    MANAGE,
    READ,
    RequestAccess,
    RequestView,
    audit_actor,
    command_permission,
    invalid,
    request_audit,
)
from elcorp.governance.application.workflow_ports import (
    Comment,
    SlaDeadlines,
    StoredRequest,
    WorkflowUnitOfWork,
)
from elcorp.governance.domain.approval_chains import Approver
from elcorp.governance.domain.assignment import (
    Candidate,
    RequestParties,
    ensure_team_assignable,
    ensure_user_assignable,
)
from elcorp.governance.domain.rbac import Grants
from elcorp.governance.domain.service_requests import (
    MAX_COMMENT,
    Assignee,
    AssigneeKind,
    Command,
    Priority,
    ServiceRequest,
)
from elcorp.shared.application import audit
from elcorp.shared.domain.clock import Clock
from elcorp.shared.domain.errors import Conflict
from elcorp.shared.domain.ids import new_id


@dataclass(frozen=True, slots=True)
class _Step:
    """Who applies a command, when, and with what comment."""

    caller: uuid.UUID
    grants: Grants
    now: datetime
    comment: str


class RequestCommands:
    def __init__(
        self,
        uow: Callable[[], WorkflowUnitOfWork],
        guard: RequestAccess,
        users: UserDirectory,
        sla: SlaDeadlines,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._guard = guard
        self._users = users
        self._sla = sla
        self._clock = clock

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
        grants = self._guard.require(caller, CREATE)
        request = ServiceRequest.create(
            requester_id=caller,
            category=category,
            title=title,
            description=description,
            priority=priority,
            amount=amount,
            currency=currency,
            at=self._clock.now(),
        )
        with self._uow() as uow:
            found = uow.requests.category(request.category)
            if found is None or not found.active:
                raise invalid("category", f"no active category {request.category!r}")
            organization = uow.requests.organization_of(caller)
        self._guard.enforce(caller, CREATE, request, organization)
        with self._uow() as uow:
            stored = StoredRequest(request, organization, None, None)
            uow.requests.add(stored)
            uow.audit.record(
                "service_request.created",
                audit_actor(grants, caller),
                audit.Resource("service_request", str(request.id)),
                audit.Changes(after=request_audit(stored)),
            )
            uow.commit()
        return self._guard.view(caller, grants, stored)

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
        grants = self._guard.grants_for(caller)
        now = self._clock.now()
        with self._uow() as uow:
            seen = self._guard.visible(uow, caller, grants, request_id)
        permission = command_permission(caller, grants, command, seen.request)
        self._guard.enforce(caller, permission, seen.request, seen.organization_id)
        with self._uow() as uow:
            stored = self._guard.visible(uow, caller, grants, request_id, for_update=True)
            before = request_audit(stored)
            step = _Step(caller, grants, now, comment)
            stored = self._apply(uow, stored, command, step, assignee)
            uow.requests.save(stored)
            for event in stored.request.pull_events():
                uow.publish(event)
            uow.audit.record(
                f"service_request.{command.value}",
                audit_actor(grants, caller),
                audit.Resource("service_request", str(stored.request.id)),
                audit.Changes(before, request_audit(stored)),
                reason=comment.strip() or None,
            )
            uow.commit()
        return self._guard.view(caller, grants, stored)

    def add_comment(self, caller: uuid.UUID, request_id: uuid.UUID, body: str) -> Comment:
        grants = self._guard.grants_for(caller)
        text = body.strip() if isinstance(body, str) else ""
        if not text:
            raise invalid("body", "is required")
        if len(text) > MAX_COMMENT:
            raise invalid("body", f"at most {MAX_COMMENT} characters")
        with self._uow() as uow:
            stored = self._guard.visible(uow, caller, grants, request_id)
            comment = Comment(new_id(), stored.request.id, caller, text, self._clock.now())
            uow.requests.add_comment(comment)
            uow.audit.record(  # the text stays out of the audit log (it may hold personal data)
                "service_request.commented",
                audit_actor(grants, caller),
                audit.Resource("service_request", str(request_id)),
                audit.Changes(after={"comment_id": str(comment.id), "length": len(text)}),
            )
            uow.commit()
        return comment

    # -- one command on the locked request ---------------------------------------------------
    def _apply(
        self,
        uow: WorkflowUnitOfWork,
        stored: StoredRequest,
        command: Command,
        step: _Step,
        assignee: Assignee | None,
    ) -> StoredRequest:
        """Run `command` on the aggregate; returns what is to be saved (a submission also
        records when the request was submitted and when it falls due)."""
        request, caller, now, comment = stored.request, step.caller, step.now, step.comment
        if command is Command.ASSIGN:
            if assignee is None:
                raise invalid("assignee", "give a user_id or a team_id")
            self._check_assignee(uow, assignee, stored)
            request.assign(caller, assignee, now, comment)
        elif command is Command.SUBMIT:
            return self._submit(uow, stored, step)
        elif command is Command.APPROVE:
            request.approve(Approver.from_grants(caller, step.grants), now, comment)
        elif command is Command.REJECT:
            request.reject(Approver.from_grants(caller, step.grants), now, comment)
        elif command is Command.START:
            request.start(caller, now, comment)
        elif command is Command.COMPLETE:
            request.complete(caller, now, comment)
        else:
            request.cancel(caller, now, comment)
        return stored

    def _submit(self, uow: WorkflowUnitOfWork, stored: StoredRequest, step: _Step) -> StoredRequest:
        """The category's current chain goes with the request, and its SLA clock starts."""
        request = stored.request
        chain = uow.requests.chain(request.category)
        if chain is None:
            raise Conflict(f"Category {request.category!r} has no approval chain")
        request.submit(step.caller, step.now, chain, step.comment)
        due = self._sla.deadline(request.category, request.priority, step.now)
        return StoredRequest(request, stored.organization_id, step.now, due)

    def _check_assignee(self, uow: WorkflowUnitOfWork, assignee: Assignee, stored: StoredRequest) -> None:
        """The assignee exists and may work on the request (domain/assignment.py): checked
        inside the command's transaction, before anything is saved or mailed."""
        parties = RequestParties(stored.request.requester_id, stored.organization_id)
        if assignee.kind is AssigneeKind.TEAM:
            team_organization = uow.requests.team_organization(assignee.id)
            if team_organization is None:
                raise invalid("team_id", "no such team")
            members = [self._candidate(uow, m) for m in sorted(uow.requests.team_members(assignee.id))]
            ensure_team_assignable(team_organization, members, parties)
            return
        if assignee.id not in self._users.active_among([assignee.id]):
            raise invalid("user_id", "no such active user")
        ensure_user_assignable(self._candidate(uow, assignee.id), parties)

    def _candidate(self, uow: WorkflowUnitOfWork, user_id: uuid.UUID) -> Candidate:
        """A would-be assignee as the assignment rule sees them: their stored grants (the
        caller's own, cut to their session, when they assign themselves)."""
        grants = self._guard.grants_for(user_id)
        return Candidate(
            user_id, uow.requests.organization_of(user_id), grants.scope_of(MANAGE), grants.scope_of(READ)
        )

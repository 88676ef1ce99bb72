"""Who may see and change a service request: the rules every service-request use case
shares (scope of `service_request:read`, the permission each workflow command needs, the
policy engine's say) and the shapes they answer with (RequestView, the audit snapshot).

A request the caller cannot see is a 404, never a 403, so its existence does not leak.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from elcorp.governance.application.api import AccessControl
from elcorp.governance.application.policies import PolicyAdministration
from elcorp.governance.application.workflow_ports import StoredRequest, WorkflowUnitOfWork
from elcorp.governance.domain.policies import Resource
from elcorp.governance.domain.rbac import Grants, Scope
from elcorp.governance.domain.service_requests import Command, ServiceRequest
from elcorp.shared.application import audit
from elcorp.shared.domain.clock import Clock
from elcorp.shared.domain.errors import AccessDenied, NotFound, ValidationFailed

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
REQUESTER_ONLY = frozenset({Command.SUBMIT, Command.CANCEL})


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


def invalid(field_name: str, message: str) -> ValidationFailed:
    """A 422 naming the one field at fault."""
    return ValidationFailed(details=[{"field": field_name, "message": message}])


def audit_actor(grants: Grants, caller: uuid.UUID) -> audit.Actor:
    """The caller as the audit trail records them: id and roles."""
    return audit.Actor(id=str(caller), roles=tuple(sorted(grants.roles)))


def request_audit(stored: StoredRequest) -> dict[str, object]:
    """What the audit trail keeps of a request (never its title, description or comments,
    which may hold personal data)."""
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


def reaches(
    uow: WorkflowUnitOfWork, caller: uuid.UUID, grants: Grants, permission: str, stored: StoredRequest
) -> bool:
    """Whether the scope of the caller's `permission` covers the request: their own always;
    their organization's at scope `organization`; any at scope `all`."""
    scope = grants.scope_of(permission)
    if scope is None:
        return False
    if scope is Scope.ALL or stored.request.requester_id == caller:
        return True
    if scope is Scope.ORGANIZATION:
        mine = uow.requests.organization_of(caller)
        return mine is not None and mine == stored.organization_id
    return False


def command_permission(caller: uuid.UUID, grants: Grants, command: Command, request: ServiceRequest) -> str:
    """The permission `command` is checked under (403 when the caller lacks it): a manager
    cancelling someone else's request acts under `service_request:manage`; only the
    requester submits or cancels under `service_request:create`."""
    permission = COMMAND_PERMISSION[command]
    mine = request.requester_id == caller
    if command is Command.CANCEL and not mine and grants.allows(MANAGE):
        return MANAGE
    if not grants.allows(permission):
        raise AccessDenied(f"{permission} is required to {command.value} a service request")
    if command in REQUESTER_ONLY and not mine:
        raise AccessDenied(f"Only the requester may {command.value} this service request")
    return permission


class RequestAccess:
    """The caller's grants, what they may see of a request, and the policy engine's say."""

    def __init__(self, access: AccessControl, policies: PolicyAdministration, clock: Clock) -> None:
        self._access = access
        self._policies = policies
        self._clock = clock

    def grants_for(self, caller: uuid.UUID) -> Grants:
        return self._access.grants_for(caller)

    def require(self, caller: uuid.UUID, permission: str) -> Grants:
        return self._access.require(caller, permission)

    def visible(
        self,
        uow: WorkflowUnitOfWork,
        caller: uuid.UUID,
        grants: Grants,
        request_id: uuid.UUID,
        *,
        for_update: bool = False,
    ) -> StoredRequest:
        """The request, if the caller may read it; 404 otherwise (as for an unknown id)."""
        stored = uow.requests.get(request_id, for_update=for_update)
        if stored is None or not reaches(uow, caller, grants, READ, stored):
            raise NotFound("Service request not found")
        return stored

    def enforce(
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

    def view(self, caller: uuid.UUID, grants: Grants, stored: StoredRequest) -> RequestView:
        """The request as the caller sees it now, with the commands they may apply."""
        request = stored.request
        mine = request.requester_id == caller
        allowed = frozenset(
            c
            for c in request.available_commands
            if grants.allows(COMMAND_PERMISSION[c]) and (mine or c not in REQUESTER_ONLY)
        )
        return RequestView(stored, self._clock.now(), allowed)

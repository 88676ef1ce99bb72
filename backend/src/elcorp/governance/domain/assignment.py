"""Who a service request may be assigned to.

Assignment hands the request to someone to work on, and mails them its title: so the
assignee must be someone who could work on it anyway (OWASP API1, object-level
authorisation; API5, function-level):

- a user must hold `service_request:manage` with a scope that covers the request (`all`,
  or `organization` when the request belongs to the user's own organization; `own` never
  does: nobody works alone on what they asked for), and must be able to see it
  (`service_request:read` reaching it); otherwise 422 `GOV_001`;
- a team must belong to the request's organization (a request of no organization goes to
  no team; 422 `GOV_002`), and every one of its members, each mailed on assignment, must
  be such a user; an empty team works on nothing (422 `GOV_003`).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass

from elcorp.governance.domain.rbac import Scope
from elcorp.shared.domain.errors import ValidationFailed

MANAGE = "service_request:manage"
READ = "service_request:read"


class AssigneeNotEligible(ValidationFailed):
    code = "GOV_001"
    default_message = "This user cannot work on the service request"


class TeamOutsideOrganization(ValidationFailed):
    code = "GOV_002"
    default_message = "Only a team of the request's own organization can be assigned"


class TeamNotEligible(ValidationFailed):
    code = "GOV_003"
    default_message = "Not every member of this team can work on the service request"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A person a request could be assigned to: their organization and the scopes they hold
    of `service_request:manage` and `service_request:read` (None: not held)."""

    user_id: uuid.UUID
    organization_id: uuid.UUID | None
    manage: Scope | None
    read: Scope | None


@dataclass(frozen=True, slots=True)
class RequestParties:
    """What decides who reaches a request: who asked for it, and their organization."""

    requester_id: uuid.UUID
    organization_id: uuid.UUID | None


def _covers(scope: Scope | None, candidate: Candidate, request: RequestParties) -> bool:
    if scope is Scope.ALL:
        return True
    return (
        scope is Scope.ORGANIZATION
        and request.organization_id is not None
        and request.organization_id == candidate.organization_id
    )


def may_work_on(candidate: Candidate, request: RequestParties) -> bool:
    """Can this person be handed the request: manage it at a covering scope, and see it?"""
    sees = _covers(candidate.read, candidate, request) or (
        candidate.read is not None and candidate.user_id == request.requester_id
    )
    return sees and _covers(candidate.manage, candidate, request)


def ensure_user_assignable(candidate: Candidate, request: RequestParties) -> None:
    """422 `GOV_001` unless the user may work on the request."""
    if not may_work_on(candidate, request):
        raise AssigneeNotEligible(
            details=[
                {
                    "field": "user_id",
                    "message": f"needs {MANAGE} with a scope covering the request, and {READ} reaching it",
                }
            ]
        )


def ensure_team_assignable(
    team_organization_id: uuid.UUID, members: Collection[Candidate], request: RequestParties
) -> None:
    """422 `GOV_002` for a team of another organization; 422 `GOV_003` for an empty team or
    one with a member who may not work on the request (each is mailed on assignment)."""
    if request.organization_id is None or team_organization_id != request.organization_id:
        raise TeamOutsideOrganization(
            details=[{"field": "team_id", "message": "the team belongs to another organization"}]
        )
    if not members:
        raise TeamNotEligible(details=[{"field": "team_id", "message": "the team has no members"}])
    refused = sorted(str(m.user_id) for m in members if not may_work_on(m, request))
    if refused:
        raise TeamNotEligible(
            details=[
                {"field": "team_id", "message": f"member {user_id} cannot work on this request"}
                for user_id in refused
            ]
        )

"""What every organization use case asks first: the caller's standing towards the
organization (platform manager, org admin, scoped manager, plain member; outsiders get 404
`RES_001`, as for an unknown id), the organization or team itself, and the caller as the
audit trail records them.

A change locks the organization's row before anything else, so concurrent changes to one
organization are serialised and each sees the other's result.
"""

from __future__ import annotations

import uuid

from elcorp.governance.application.api import AccessControl
from elcorp.governance.application.ports import GovernanceUnitOfWork
from elcorp.governance.domain.organizations import Organization, Standing, Team, standing_of
from elcorp.governance.domain.rbac import Scope
from elcorp.shared.application.audit import Actor
from elcorp.shared.domain.errors import AlreadyExists, NotFound

MANAGE = "organization:manage"


def is_platform_manager(access: AccessControl, actor: uuid.UUID) -> bool:
    """Holds `organization:manage` at scope `all`."""
    return access.grants_for(actor).covers(MANAGE, Scope.ALL)


def standing_towards(
    access: AccessControl, uow: GovernanceUnitOfWork, actor: uuid.UUID, organization_id: uuid.UUID
) -> Standing:
    """The caller's standing towards the organization (404 `RES_001` for outsiders)."""
    grants = access.grants_for(actor)
    manager = grants.covers(MANAGE, Scope.ALL)
    return standing_of(
        organization_id,
        is_platform_manager=manager,
        membership=None if manager else uow.organizations.membership_of(actor),
        holds_scoped_manage=grants.allows(MANAGE),
    )


def audit_actor(access: AccessControl, actor: uuid.UUID) -> Actor:
    """The caller as the audit trail records them: id and roles."""
    return Actor(id=str(actor), roles=tuple(sorted(access.grants_for(actor).roles)))


def organization_or_404(
    uow: GovernanceUnitOfWork, organization_id: uuid.UUID, *, for_update: bool = False
) -> Organization:
    found = uow.organizations.get(organization_id, for_update=for_update)
    if found is None:
        raise NotFound("Organization not found")
    return found


def team_or_404(
    uow: GovernanceUnitOfWork, organization_id: uuid.UUID, team_id: uuid.UUID, *, for_update: bool = False
) -> Team:
    found = uow.organizations.get_team(organization_id, team_id, for_update=for_update)
    if found is None:
        raise NotFound("Team not found")
    return found


def for_change(
    access: AccessControl, uow: GovernanceUnitOfWork, actor: uuid.UUID, organization_id: uuid.UUID
) -> tuple[Standing, Organization]:
    """The caller's standing (404 for outsiders) and the organization, its row locked."""
    standing = standing_towards(access, uow, actor, organization_id)
    return standing, organization_or_404(uow, organization_id, for_update=True)


def changeable(
    access: AccessControl, uow: GovernanceUnitOfWork, actor: uuid.UUID, organization_id: uuid.UUID
) -> Organization:
    """The organization, its row locked, once the caller may change its details, members
    or teams (an admin of it, while it is open to their changes)."""
    standing, organization = for_change(access, uow, actor, organization_id)
    organization.ensure_changeable_by(standing)
    return organization


def name_or_number_taken() -> AlreadyExists:
    return AlreadyExists("An organization with this name or registration number already exists")

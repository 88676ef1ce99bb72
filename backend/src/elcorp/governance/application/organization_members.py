"""An organization's members: listing them, changing a member's role, adding a user
directly, removing a member, and the clean-up when an account is deleted.

Users normally join by accepting an invitation (invitations.py); only platform managers add
a user directly, with a reason kept in the audit trail (org admins get 403 `GOV_008`). A
user belongs to one organization at most (409 `RES_002`); an organization that has an
org_admin keeps one (409 `RES_005`); a closed organization's members can still be removed
by platform managers, so they can join another organization.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace

from elcorp.governance.application.api import AccessControl
from elcorp.governance.application.organization_access import (
    audit_actor,
    for_change,
    organization_or_404,
    standing_towards,
)
from elcorp.governance.application.ports import GovernanceUnitOfWork, UserDirectory
from elcorp.governance.domain.invitations import ensure_direct_add_allowed
from elcorp.governance.domain.organizations import Membership, OrgRole, ensure_an_org_admin_remains
from elcorp.identity.application.api import UserDeleted
from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.application.pagination import Page, PageRequest
from elcorp.shared.domain.clock import Clock
from elcorp.shared.domain.errors import AlreadyExists, NotFound, ValidationFailed


def _removal(membership: Membership, teams: list[uuid.UUID]) -> Changes:
    """What the audit trail keeps of a removed member: their role and team places."""
    return Changes(
        before={
            "user_id": str(membership.user_id),
            "org_role": membership.org_role.value,
            "teams": [str(t) for t in teams],
        }
    )


class OrganizationMembers:
    def __init__(
        self,
        uow: Callable[[], GovernanceUnitOfWork],
        access: AccessControl,
        users: UserDirectory,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._access = access
        self._users = users
        self._clock = clock

    def list_members(
        self, actor: uuid.UUID, organization_id: uuid.UUID, page: PageRequest
    ) -> Page[Membership]:
        """A page of the organization's members, by date added."""
        with self._uow() as uow:
            standing_towards(self._access, uow, actor, organization_id)
            organization_or_404(uow, organization_id)
            found, total = uow.organizations.members(organization_id, offset=page.offset, limit=page.per_page)
        return Page(found, page.page, page.per_page, total, offset=page.offset)

    def put_member(
        self,
        actor: uuid.UUID,
        organization_id: uuid.UUID,
        user_id: uuid.UUID,
        org_role: OrgRole,
        *,
        reason: str | None = None,
    ) -> tuple[Membership, bool]:
        """Change a member's role; or add a user who is not a member yet, without asking
        them: platform managers only, with a `reason` (org admins invite instead, 403
        `GOV_008`). Returns the membership and whether it was created."""
        with self._uow() as uow:
            standing, organization = for_change(self._access, uow, actor, organization_id)
            organization.ensure_changeable_by(standing)
            current = uow.organizations.membership_of(user_id, for_update=True)
            if current is not None and current.organization_id == organization_id:
                return self._change_role(uow, actor, current, org_role), False
            why = ensure_direct_add_allowed(standing, reason)
            if current is not None:
                raise AlreadyExists(
                    "The user already belongs to another organization", details=[{"field": "user_id"}]
                )
            membership = Membership(organization_id, user_id, org_role, self._clock.now())
            self._add_directly(uow, actor, membership, why)
            return membership, True

    def remove_member(self, actor: uuid.UUID, organization_id: uuid.UUID, user_id: uuid.UUID) -> None:
        """Remove a member (and their team places)."""
        with self._uow() as uow:
            standing, organization = for_change(self._access, uow, actor, organization_id)
            organization.ensure_member_removable_by(standing)
            store = uow.organizations
            current = store.membership_of(user_id, for_update=True)
            if current is None or current.organization_id != organization_id:
                raise NotFound("Member not found")
            if not organization.is_closed:
                admins = store.org_admins(organization_id)
                ensure_an_org_admin_remains(admins, admins - {user_id})
            teams = store.remove_member(organization_id, user_id)
            uow.audit.record(
                "organization.member_removed",
                audit_actor(self._access, actor),
                Resource("organization", str(organization_id)),
                _removal(current, teams),
            )
            uow.commit()

    def on_user_deleted(self, event: UserDeleted) -> None:
        """Outbox handler: a deleted account leaves its organization and teams (it could
        otherwise still count as the organization's org_admin, and stay in sight of its
        organization-scoped staff). Restoring the account does not restore the membership."""
        user_id = event.user_id
        with self._uow() as uow:
            store = uow.organizations
            current = store.membership_of(user_id)
            if current is None:
                return
            organization_or_404(uow, current.organization_id, for_update=True)
            current = store.membership_of(user_id, for_update=True)
            if current is None:
                return
            teams = store.remove_member(current.organization_id, user_id)
            uow.audit.record(
                "organization.member_removed",
                Actor(),
                Resource("organization", str(current.organization_id)),
                _removal(current, teams),
                reason="account deleted",
            )
            uow.commit()

    # -- the two halves of put_member, inside its transaction ---------------------------------
    def _add_directly(
        self, uow: GovernanceUnitOfWork, actor: uuid.UUID, membership: Membership, why: str
    ) -> None:
        """A platform manager adds a user who belongs to no organization yet."""
        if not self._users.exists(membership.user_id):
            raise ValidationFailed(details=[{"field": "user_id", "message": "no such user"}])
        if not uow.organizations.add_member(membership, actor):
            raise AlreadyExists("The user already belongs to an organization", details=[{"field": "user_id"}])
        uow.audit.record(
            "organization.member_added",
            audit_actor(self._access, actor),
            Resource("organization", str(membership.organization_id)),
            Changes(after={"user_id": str(membership.user_id), "org_role": membership.org_role.value}),
            reason=why,
        )
        uow.commit()

    def _change_role(
        self, uow: GovernanceUnitOfWork, actor: uuid.UUID, current: Membership, org_role: OrgRole
    ) -> Membership:
        """A member's new role; the organization keeps an org_admin if it had one."""
        if current.org_role is org_role:
            return current
        store, organization_id, user_id = uow.organizations, current.organization_id, current.user_id
        admins = store.org_admins(organization_id)
        after = admins | {user_id} if org_role is OrgRole.ORG_ADMIN else admins - {user_id}
        ensure_an_org_admin_remains(admins, after)
        store.set_org_role(organization_id, user_id, org_role)
        uow.audit.record(
            "organization.member_role_changed",
            audit_actor(self._access, actor),
            Resource("organization", str(organization_id)),
            Changes(
                {"user_id": str(user_id), "org_role": current.org_role.value},
                {"user_id": str(user_id), "org_role": org_role.value},
            ),
        )
        uow.commit()
        return replace(current, org_role=org_role)

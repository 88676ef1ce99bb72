"""Organization administration: organizations, their members and teams.

Who may do what (see docs/API.md, "Organizations and teams"):

- holders of `organization:manage` at scope `all` ("platform managers") create
  organizations, change their status, and read and change any of them;
- an organization's `org_admin` members (and holders of `organization:manage` at a
  narrower scope, inside their own organization) change its details, members and teams
  while it is active;
- its plain members read it, its member list and its teams;
- anybody else gets 404 `RES_001` for it, as for an unknown id.

Users join an organization by accepting an invitation (application/invitations.py); only
platform managers add a user directly, with a reason kept in the audit trail.

Rules: a user belongs to one organization at most (409 `RES_002`); a team member must be a
member of the team's organization (422); an organization that has an org_admin keeps one
(409 `RES_005`); a closed organization is read-only (409 `RES_005`), except that platform
managers may still remove its members so they can join another organization. Every change
is audited in its own transaction, and every change locks the organization's row first, so
concurrent changes to one organization (two removals of its last org_admins, say) are
serialised and each sees the other's result.

`OrganizationAdministration` is the one entry point the HTTP layer and the outbox call; the
use cases live in organization_registry.py (organizations), organization_members.py
(members) and organization_teams.py (teams), with the checks they share in
organization_access.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping

from elcorp.governance.application.api import AccessControl
from elcorp.governance.application.organization_access import MANAGE, audit_actor, standing_towards
from elcorp.governance.application.organization_members import OrganizationMembers
from elcorp.governance.application.organization_registry import OrganizationRegistry
from elcorp.governance.application.organization_teams import OrganizationTeams
from elcorp.governance.application.ports import GovernanceUnitOfWork, UserDirectory
from elcorp.governance.domain.organizations import Membership, Organization, OrganizationStatus, OrgRole, Team
from elcorp.identity.application.api import UserDeleted
from elcorp.shared.application.pagination import Page, PageRequest
from elcorp.shared.domain.clock import Clock, SystemClock


class OrganizationAdministration:
    """The organization use cases behind one entry point; each call is handed to the
    use-case class that owns it."""

    def __init__(
        self,
        uow: Callable[[], GovernanceUnitOfWork],
        access: AccessControl,
        users: UserDirectory,
        *,
        clock: Clock | None = None,
    ) -> None:
        clock = clock or SystemClock()
        self._registry = OrganizationRegistry(uow, access, users, clock)
        self._members = OrganizationMembers(uow, access, users, clock)
        self._teams = OrganizationTeams(uow, access, clock)

    # -- organizations ---------------------------------------------------------------------
    def list_organizations(
        self, actor: uuid.UUID, page: PageRequest, *, status: str | None, text: str | None
    ) -> Page[Organization]:
        """Platform managers: every organization, filtered. Anyone else: their own one."""
        return self._registry.list_organizations(actor, page, status=status, text=text)

    def get_organization(self, actor: uuid.UUID, organization_id: uuid.UUID) -> Organization:
        return self._registry.get_organization(actor, organization_id)

    def create_organization(
        self,
        actor: uuid.UUID,
        *,
        name: str,
        registration_number: str | None,
        vat_number: str | None,
        admin_user_id: uuid.UUID | None = None,
    ) -> Organization:
        """A new, active organization; `admin_user_id` becomes its first org_admin."""
        return self._registry.create_organization(
            actor,
            name=name,
            registration_number=registration_number,
            vat_number=vat_number,
            admin_user_id=admin_user_id,
        )

    def update_organization(
        self, actor: uuid.UUID, organization_id: uuid.UUID, changes: Mapping[str, str | None]
    ) -> Organization:
        """Change the name, registration number or VAT number (not the status)."""
        return self._registry.update_organization(actor, organization_id, changes)

    def suspend(self, actor: uuid.UUID, organization_id: uuid.UUID) -> Organization:
        return self._registry.change_status(actor, organization_id, OrganizationStatus.SUSPENDED)

    def reactivate(self, actor: uuid.UUID, organization_id: uuid.UUID) -> Organization:
        return self._registry.change_status(actor, organization_id, OrganizationStatus.ACTIVE)

    def close(self, actor: uuid.UUID, organization_id: uuid.UUID) -> Organization:
        """Final: the organization becomes read-only; its members and teams are kept."""
        return self._registry.change_status(actor, organization_id, OrganizationStatus.CLOSED)

    # -- members ---------------------------------------------------------------------------
    def list_members(
        self, actor: uuid.UUID, organization_id: uuid.UUID, page: PageRequest
    ) -> Page[Membership]:
        """A page of the organization's members, by date added."""
        return self._members.list_members(actor, organization_id, page)

    def put_member(
        self,
        actor: uuid.UUID,
        organization_id: uuid.UUID,
        user_id: uuid.UUID,
        org_role: OrgRole,
        *,
        reason: str | None = None,
    ) -> tuple[Membership, bool]:
        """Change a member's role, or add a user directly (platform managers, with a
        reason); returns the membership and whether it was created."""
        return self._members.put_member(actor, organization_id, user_id, org_role, reason=reason)

    def remove_member(self, actor: uuid.UUID, organization_id: uuid.UUID, user_id: uuid.UUID) -> None:
        """Remove a member (and their team places)."""
        self._members.remove_member(actor, organization_id, user_id)

    def on_user_deleted(self, event: UserDeleted) -> None:
        """Outbox handler: a deleted account leaves its organization and teams."""
        self._members.on_user_deleted(event)

    # -- teams -----------------------------------------------------------------------------
    def list_teams(self, actor: uuid.UUID, organization_id: uuid.UUID, page: PageRequest) -> Page[Team]:
        """A page of the organization's teams, by name."""
        return self._teams.list_teams(actor, organization_id, page)

    def get_team(self, actor: uuid.UUID, organization_id: uuid.UUID, team_id: uuid.UUID) -> Team:
        return self._teams.get_team(actor, organization_id, team_id)

    def create_team(
        self, actor: uuid.UUID, organization_id: uuid.UUID, *, name: str, description: str | None
    ) -> Team:
        return self._teams.create_team(actor, organization_id, name=name, description=description)

    def update_team(
        self,
        actor: uuid.UUID,
        organization_id: uuid.UUID,
        team_id: uuid.UUID,
        changes: Mapping[str, str | None],
    ) -> Team:
        return self._teams.update_team(actor, organization_id, team_id, changes)

    def delete_team(self, actor: uuid.UUID, organization_id: uuid.UUID, team_id: uuid.UUID) -> None:
        self._teams.delete_team(actor, organization_id, team_id)

    def add_team_member(
        self, actor: uuid.UUID, organization_id: uuid.UUID, team_id: uuid.UUID, user_id: uuid.UUID
    ) -> tuple[Team, bool]:
        """Put a member of the organization in the team; returns the team and whether the
        user was added (False: already in it)."""
        return self._teams.add_team_member(actor, organization_id, team_id, user_id)

    def remove_team_member(
        self, actor: uuid.UUID, organization_id: uuid.UUID, team_id: uuid.UUID, user_id: uuid.UUID
    ) -> Team:
        return self._teams.remove_team_member(actor, organization_id, team_id, user_id)


__all__ = ["MANAGE", "OrganizationAdministration", "audit_actor", "standing_towards"]

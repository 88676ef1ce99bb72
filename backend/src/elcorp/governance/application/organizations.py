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
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import replace

from elcorp.governance.application.api import AccessControl
from elcorp.governance.application.ports import GovernanceUnitOfWork, UserDirectory
from elcorp.governance.domain.invitations import ensure_direct_add_allowed
from elcorp.governance.domain.organizations import (
    Membership,
    Organization,
    OrganizationStatus,
    OrgRole,
    Standing,
    Team,
    ensure_an_org_admin_remains,
    ensure_manager,
    ensure_team_member_belongs,
    standing_of,
)
from elcorp.governance.domain.rbac import Scope
from elcorp.identity.application.api import UserDeleted
from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.application.pagination import Page, PageRequest
from elcorp.shared.domain.clock import Clock, SystemClock
from elcorp.shared.domain.errors import AccessDenied, AlreadyExists, NotFound, ValidationFailed

MANAGE = "organization:manage"


def _organization_audit(organization: Organization) -> dict[str, object]:
    return {
        "name": organization.name,
        "registration_number": organization.registration_number,
        "vat_number": organization.vat_number,
        "status": organization.status.value,
    }


def _team_audit(team: Team) -> dict[str, object]:
    return {
        "organization_id": str(team.organization_id),
        "name": team.name,
        "description": team.description,
        "members": sorted(str(m) for m in team.members),
    }


class OrganizationAdministration:
    def __init__(
        self,
        uow: Callable[[], GovernanceUnitOfWork],
        access: AccessControl,
        users: UserDirectory,
        *,
        clock: Clock | None = None,
    ) -> None:
        self._uow = uow
        self._access = access
        self._users = users
        self._clock = clock or SystemClock()

    # -- organizations ---------------------------------------------------------------------
    def list_organizations(
        self, actor: uuid.UUID, page: PageRequest, *, status: str | None, text: str | None
    ) -> Page[Organization]:
        """Platform managers: every organization, filtered. Anyone else: their own one."""
        with self._uow() as uow:
            if self._is_manager(actor):
                found, total = uow.organizations.search(
                    status=status, text=text, offset=page.offset, limit=page.per_page
                )
                return Page(found, page.page, page.per_page, total)
            membership = uow.organizations.membership_of(actor)
            own = None if membership is None else uow.organizations.get(membership.organization_id)
            matches = own is not None and (status is None or own.status.value == status)
            matches = matches and (not text or (own is not None and text.lower() in own.name.lower()))
            items = [own] if matches and own is not None and page.page == 1 else []
            return Page(items, page.page, page.per_page, 1 if matches else 0)

    def get_organization(self, actor: uuid.UUID, organization_id: uuid.UUID) -> Organization:
        with self._uow() as uow:
            self._standing(uow, actor, organization_id)
            return self._get(uow, organization_id)

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
        if not self._is_manager(actor):
            raise AccessDenied(f"Creating organizations needs {MANAGE} with scope all")
        now = self._clock.now()
        organization = Organization.register(
            name=name, registration_number=registration_number, vat_number=vat_number, now=now
        )
        if admin_user_id is not None and not self._users.exists(admin_user_id):
            raise ValidationFailed(details=[{"field": "admin_user_id", "message": "no such user"}])
        with self._uow() as uow:
            self._ensure_unique(uow, organization)
            if not uow.organizations.add(organization, actor):
                raise AlreadyExists("An organization with this name or registration number already exists")
            after = _organization_audit(organization)
            if admin_user_id is not None:
                first = Membership(organization.id, admin_user_id, OrgRole.ORG_ADMIN, now)
                if not uow.organizations.add_member(first, actor):
                    raise AlreadyExists(
                        "The user already belongs to an organization",
                        details=[{"field": "admin_user_id"}],
                    )
                after["admin_user_id"] = str(admin_user_id)
            uow.audit.record(
                "organization.created",
                self._actor(actor),
                Resource("organization", str(organization.id)),
                Changes(after=after),
            )
            uow.commit()
        return organization

    def update_organization(
        self, actor: uuid.UUID, organization_id: uuid.UUID, changes: Mapping[str, str | None]
    ) -> Organization:
        """Change the name, registration number or VAT number (not the status)."""
        with self._uow() as uow:
            standing, before = self._for_change(uow, actor, organization_id)
            before.ensure_changeable_by(standing)
            after = before.with_details(self._clock.now(), changes)
            if replace(after, updated_at=before.updated_at) == before:
                return before
            self._ensure_unique(uow, after)
            if not uow.organizations.save(after):
                raise AlreadyExists("An organization with this name or registration number already exists")
            uow.audit.record(
                "organization.updated",
                self._actor(actor),
                Resource("organization", str(organization_id)),
                Changes(_organization_audit(before), _organization_audit(after)),
            )
            uow.commit()
        return after

    def suspend(self, actor: uuid.UUID, organization_id: uuid.UUID) -> Organization:
        return self._change_status(actor, organization_id, OrganizationStatus.SUSPENDED)

    def reactivate(self, actor: uuid.UUID, organization_id: uuid.UUID) -> Organization:
        return self._change_status(actor, organization_id, OrganizationStatus.ACTIVE)

    def close(self, actor: uuid.UUID, organization_id: uuid.UUID) -> Organization:
        """Final: the organization becomes read-only; its members and teams are kept."""
        return self._change_status(actor, organization_id, OrganizationStatus.CLOSED)

    # -- members ---------------------------------------------------------------------------
    def list_members(self, actor: uuid.UUID, organization_id: uuid.UUID) -> list[Membership]:
        with self._uow() as uow:
            self._standing(uow, actor, organization_id)
            self._get(uow, organization_id)
            return uow.organizations.members(organization_id)

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
            standing, organization = self._for_change(uow, actor, organization_id)
            organization.ensure_changeable_by(standing)
            store = uow.organizations
            current = store.membership_of(user_id, for_update=True)
            if current is None or current.organization_id != organization_id:
                why = ensure_direct_add_allowed(standing, reason)
                if current is not None:
                    raise AlreadyExists(
                        "The user already belongs to another organization", details=[{"field": "user_id"}]
                    )
                if not self._users.exists(user_id):
                    raise ValidationFailed(details=[{"field": "user_id", "message": "no such user"}])
                membership = Membership(organization_id, user_id, org_role, self._clock.now())
                if not store.add_member(membership, actor):
                    raise AlreadyExists("The user already belongs to an organization")
                uow.audit.record(
                    "organization.member_added",
                    self._actor(actor),
                    Resource("organization", str(organization_id)),
                    Changes(after={"user_id": str(user_id), "org_role": org_role.value}),
                    reason=why,
                )
                uow.commit()
                return membership, True
            if current.org_role is org_role:
                return current, False
            admins = store.org_admins(organization_id)
            after = admins | {user_id} if org_role is OrgRole.ORG_ADMIN else admins - {user_id}
            ensure_an_org_admin_remains(admins, after)
            store.set_org_role(organization_id, user_id, org_role)
            uow.audit.record(
                "organization.member_role_changed",
                self._actor(actor),
                Resource("organization", str(organization_id)),
                Changes(
                    {"user_id": str(user_id), "org_role": current.org_role.value},
                    {"user_id": str(user_id), "org_role": org_role.value},
                ),
            )
            uow.commit()
        return replace(current, org_role=org_role), False

    def remove_member(self, actor: uuid.UUID, organization_id: uuid.UUID, user_id: uuid.UUID) -> None:
        """Remove a member (and their team places)."""
        with self._uow() as uow:
            standing, organization = self._for_change(uow, actor, organization_id)
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
                self._actor(actor),
                Resource("organization", str(organization_id)),
                Changes(
                    before={
                        "user_id": str(user_id),
                        "org_role": current.org_role.value,
                        "teams": [str(t) for t in teams],
                    }
                ),
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
            self._get(uow, current.organization_id, for_update=True)
            current = store.membership_of(user_id, for_update=True)
            if current is None:
                return
            teams = store.remove_member(current.organization_id, user_id)
            uow.audit.record(
                "organization.member_removed",
                Actor(),
                Resource("organization", str(current.organization_id)),
                Changes(
                    before={
                        "user_id": str(user_id),
                        "org_role": current.org_role.value,
                        "teams": [str(t) for t in teams],
                    }
                ),
                reason="account deleted",
            )
            uow.commit()

    # -- teams -----------------------------------------------------------------------------
    def list_teams(self, actor: uuid.UUID, organization_id: uuid.UUID) -> list[Team]:
        with self._uow() as uow:
            self._standing(uow, actor, organization_id)
            self._get(uow, organization_id)
            return uow.organizations.teams(organization_id)

    def get_team(self, actor: uuid.UUID, organization_id: uuid.UUID, team_id: uuid.UUID) -> Team:
        with self._uow() as uow:
            self._standing(uow, actor, organization_id)
            return self._team(uow, organization_id, team_id)

    def create_team(
        self, actor: uuid.UUID, organization_id: uuid.UUID, *, name: str, description: str | None
    ) -> Team:
        with self._uow() as uow:
            standing, organization = self._for_change(uow, actor, organization_id)
            organization.ensure_changeable_by(standing)
            team = Team.form(organization_id, name=name, description=description, now=self._clock.now())
            if not uow.organizations.add_team(team, actor):
                raise _team_name_taken()
            uow.audit.record(
                "team.created",
                self._actor(actor),
                Resource("team", str(team.id)),
                Changes(after=_team_audit(team)),
            )
            uow.commit()
        return team

    def update_team(
        self,
        actor: uuid.UUID,
        organization_id: uuid.UUID,
        team_id: uuid.UUID,
        changes: Mapping[str, str | None],
    ) -> Team:
        with self._uow() as uow:
            standing, organization = self._for_change(uow, actor, organization_id)
            organization.ensure_changeable_by(standing)
            before = self._team(uow, organization_id, team_id, for_update=True)
            after = before.with_details(changes)
            if after == before:
                return before
            if not uow.organizations.save_team(after):
                raise _team_name_taken()
            uow.audit.record(
                "team.updated",
                self._actor(actor),
                Resource("team", str(team_id)),
                Changes(_team_audit(before), _team_audit(after)),
            )
            uow.commit()
        return after

    def delete_team(self, actor: uuid.UUID, organization_id: uuid.UUID, team_id: uuid.UUID) -> None:
        with self._uow() as uow:
            standing, organization = self._for_change(uow, actor, organization_id)
            organization.ensure_changeable_by(standing)
            team = self._team(uow, organization_id, team_id, for_update=True)
            uow.organizations.delete_team(team_id)
            uow.audit.record(
                "team.deleted",
                self._actor(actor),
                Resource("team", str(team_id)),
                Changes(before=_team_audit(team)),
            )
            uow.commit()

    def add_team_member(
        self, actor: uuid.UUID, organization_id: uuid.UUID, team_id: uuid.UUID, user_id: uuid.UUID
    ) -> tuple[Team, bool]:
        """Put a member of the organization in the team; returns the team and whether the
        user was added (False: already in it)."""
        with self._uow() as uow:
            standing, organization = self._for_change(uow, actor, organization_id)
            organization.ensure_changeable_by(standing)
            team = self._team(uow, organization_id, team_id, for_update=True)
            # Locked, so the membership cannot be removed between this check and the insert.
            ensure_team_member_belongs(team, uow.organizations.membership_of(user_id, for_update=True))
            if not uow.organizations.add_team_member(team, user_id, actor):
                return team, False
            uow.audit.record(
                "team.member_added",
                self._actor(actor),
                Resource("team", str(team_id)),
                Changes(after={"user_id": str(user_id)}),
            )
            uow.commit()
        return replace(team, members=team.members | {user_id}), True

    def remove_team_member(
        self, actor: uuid.UUID, organization_id: uuid.UUID, team_id: uuid.UUID, user_id: uuid.UUID
    ) -> Team:
        with self._uow() as uow:
            standing, organization = self._for_change(uow, actor, organization_id)
            organization.ensure_changeable_by(standing)
            team = self._team(uow, organization_id, team_id, for_update=True)
            if not uow.organizations.remove_team_member(team, user_id):
                raise NotFound("Team member not found")
            uow.audit.record(
                "team.member_removed",
                self._actor(actor),
                Resource("team", str(team_id)),
                Changes(before={"user_id": str(user_id)}),
            )
            uow.commit()
        return replace(team, members=team.members - {user_id})

    # -- helpers ---------------------------------------------------------------------------
    def _is_manager(self, actor: uuid.UUID) -> bool:
        return self._access.grants_for(actor).covers(MANAGE, Scope.ALL)

    def _standing(self, uow: GovernanceUnitOfWork, actor: uuid.UUID, organization_id: uuid.UUID) -> Standing:
        return standing_towards(self._access, uow, actor, organization_id)

    def _for_change(
        self, uow: GovernanceUnitOfWork, actor: uuid.UUID, organization_id: uuid.UUID
    ) -> tuple[Standing, Organization]:
        """The caller's standing (404 for outsiders) and the organization, its row locked."""
        standing = self._standing(uow, actor, organization_id)
        return standing, self._get(uow, organization_id, for_update=True)

    def _change_status(
        self, actor: uuid.UUID, organization_id: uuid.UUID, target: OrganizationStatus
    ) -> Organization:
        with self._uow() as uow:
            standing, before = self._for_change(uow, actor, organization_id)
            ensure_manager(standing)
            now = self._clock.now()
            if target is OrganizationStatus.SUSPENDED:
                after = before.suspend(now)
            elif target is OrganizationStatus.ACTIVE:
                after = before.reactivate(now)
            else:
                after = before.close(now)
            uow.organizations.save(after)
            verb = {"suspended": "suspended", "active": "reactivated", "closed": "closed"}[target.value]
            uow.audit.record(
                f"organization.{verb}",
                self._actor(actor),
                Resource("organization", str(organization_id)),
                Changes({"status": before.status.value}, {"status": after.status.value}),
            )
            uow.commit()
        return after

    @staticmethod
    def _get(
        uow: GovernanceUnitOfWork, organization_id: uuid.UUID, *, for_update: bool = False
    ) -> Organization:
        found = uow.organizations.get(organization_id, for_update=for_update)
        if found is None:
            raise NotFound("Organization not found")
        return found

    @staticmethod
    def _team(
        uow: GovernanceUnitOfWork, organization_id: uuid.UUID, team_id: uuid.UUID, *, for_update: bool = False
    ) -> Team:
        found = uow.organizations.get_team(organization_id, team_id, for_update=for_update)
        if found is None:
            raise NotFound("Team not found")
        return found

    @staticmethod
    def _ensure_unique(uow: GovernanceUnitOfWork, organization: Organization) -> None:
        clashes = uow.organizations.clashes(organization)
        if clashes:
            raise AlreadyExists(
                "Another organization already uses this "
                + " and ".join(c.replace("_", " ") for c in clashes),
                details=[{"field": c} for c in clashes],
            )

    def _actor(self, actor: uuid.UUID) -> Actor:
        return audit_actor(self._access, actor)


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


def _team_name_taken() -> AlreadyExists:
    return AlreadyExists("The organization already has a team with this name", details=[{"field": "name"}])

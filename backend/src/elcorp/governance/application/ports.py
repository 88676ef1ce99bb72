"""Ports of the governance application layer."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from elcorp.governance.domain.invitations import Invitation
from elcorp.governance.domain.organizations import Membership, Organization, OrgRole, Team
from elcorp.governance.domain.rbac import Grants, PermissionInfo, Role, Scope
from elcorp.shared.application.unit_of_work import UnitOfWork


class GrantsStore(Protocol):
    """Reads and writes role assignments (the database)."""

    def load(self, user_id: uuid.UUID) -> Grants: ...

    def set_roles(self, user_id: uuid.UUID, roles: frozenset[str], assigned_by: uuid.UUID | None) -> None: ...

    def known_roles(self) -> frozenset[str]: ...

    def users_with_role(self, role: str) -> list[uuid.UUID]: ...

    def lock_role(self, name: str) -> None:
        """Lock the role's row until the transaction ends (serialises guarded changes)."""
        ...

    def users_with_permission(self, permission: str, scope: Scope) -> frozenset[uuid.UUID]:
        """Users holding `permission` at `scope` or wider, through any of their roles."""
        ...

    def roles_of_many(self, user_ids: list[uuid.UUID]) -> dict[uuid.UUID, frozenset[str]]: ...


class GrantsCache(Protocol):
    """Caches each user's effective grants (Redis); invalidated on every change."""

    def get(self, user_id: uuid.UUID) -> Grants | None: ...

    def put(self, user_id: uuid.UUID, grants: Grants) -> None: ...

    def invalidate(self, user_id: uuid.UUID) -> None: ...


class RoleStore(GrantsStore, Protocol):
    """Role administration on top of the grants store: roles, their permissions, the catalogue."""

    def catalogue(self) -> list[PermissionInfo]: ...

    def list_roles(self) -> list[Role]: ...

    def get_role(self, role_id: uuid.UUID, *, for_update: bool = False) -> Role | None: ...

    def roles_named(self, names: Collection[str]) -> list[Role]: ...

    def name_taken(self, name: str) -> bool: ...

    def add_role(self, name: str, description: str | None, permissions: Mapping[str, Scope]) -> uuid.UUID: ...

    def update_role(self, role_id: uuid.UUID, *, name: str, description: str | None) -> None: ...

    def set_permissions(self, role_id: uuid.UUID, permissions: Mapping[str, Scope]) -> None: ...

    def holders(self, role_id: uuid.UUID) -> list[uuid.UUID]: ...

    def delete_role(self, role_id: uuid.UUID) -> list[uuid.UUID]:
        """Delete the role and its assignments; returns the users who held it."""
        ...


@dataclass(frozen=True, slots=True)
class StoredPolicy:
    """One row of the policy store: a built-in kind, its JSON parameters, its place in order."""

    name: str
    kind: str
    enabled: bool
    position: int
    params: dict[str, Any]
    updated_at: datetime
    updated_by: uuid.UUID | None


class PolicyStore(Protocol):
    """The administrable PBAC policies (the database)."""

    def list_policies(self) -> list[StoredPolicy]:
        """Every policy, in evaluation (position) order."""
        ...

    def get_policy(self, name: str, *, for_update: bool = False) -> StoredPolicy | None: ...

    def update_policy(
        self, name: str, *, enabled: bool, params: Mapping[str, Any], updated_by: uuid.UUID
    ) -> None: ...


class OrganizationStore(Protocol):
    """Organizations, their members and teams (the database). Inserts that could break a
    uniqueness rule return False instead of raising, so concurrent requests get a 409."""

    def add(self, organization: Organization, created_by: uuid.UUID) -> bool: ...

    def get(self, organization_id: uuid.UUID, *, for_update: bool = False) -> Organization | None: ...

    def search(
        self, *, status: str | None, text: str | None, offset: int, limit: int
    ) -> tuple[list[Organization], int]: ...

    def save(self, organization: Organization) -> bool: ...

    def clashes(self, organization: Organization) -> list[str]:
        """The fields (`name`, `registration_number`) another organization already uses."""
        ...

    def membership_of(self, user_id: uuid.UUID, *, for_update: bool = False) -> Membership | None: ...

    def members(self, organization_id: uuid.UUID, *, offset: int, limit: int) -> tuple[list[Membership], int]:
        """A window of the organization's members by date added, and how many it has."""
        ...

    def member_ids(self, organization_id: uuid.UUID) -> frozenset[uuid.UUID]: ...

    def org_admins(self, organization_id: uuid.UUID) -> frozenset[uuid.UUID]: ...

    def add_member(self, membership: Membership, added_by: uuid.UUID) -> bool: ...

    def set_org_role(self, organization_id: uuid.UUID, user_id: uuid.UUID, org_role: OrgRole) -> None: ...

    def remove_member(self, organization_id: uuid.UUID, user_id: uuid.UUID) -> list[uuid.UUID]:
        """Remove the membership (and the user's team places); returns those teams' ids."""
        ...

    def teams(self, organization_id: uuid.UUID, *, offset: int, limit: int) -> tuple[list[Team], int]:
        """A window of the organization's teams by name, and how many it has."""
        ...

    def get_team(
        self, organization_id: uuid.UUID, team_id: uuid.UUID, *, for_update: bool = False
    ) -> Team | None: ...

    def add_team(self, team: Team, created_by: uuid.UUID) -> bool: ...

    def save_team(self, team: Team) -> bool: ...

    def delete_team(self, team_id: uuid.UUID) -> None: ...

    def add_team_member(self, team: Team, user_id: uuid.UUID, added_by: uuid.UUID) -> bool: ...

    def remove_team_member(self, team: Team, user_id: uuid.UUID) -> bool: ...

    def team_organization(self, team_id: uuid.UUID) -> uuid.UUID | None: ...

    def team_members(self, team_id: uuid.UUID) -> frozenset[uuid.UUID]: ...

    # -- invitations
    def add_invitation(self, invitation: Invitation) -> bool:
        """Insert a pending invitation; False if the user already has one to this organization."""
        ...

    def get_invitation(self, invitation_id: uuid.UUID, *, for_update: bool = False) -> Invitation | None: ...

    def pending_invitation(
        self, organization_id: uuid.UUID, user_id: uuid.UUID, *, for_update: bool = False
    ) -> Invitation | None:
        """The invitation stored as pending (it may have lapsed since) of the user to the organization."""
        ...

    def save_invitation(self, invitation: Invitation) -> None:
        """Write its status and who decided it when."""
        ...

    def invitations_to(
        self, organization_id: uuid.UUID, *, offset: int, limit: int
    ) -> tuple[list[Invitation], int]:
        """A window of the organization's invitations, newest first, and how many it has."""
        ...

    def invitations_for(self, user_id: uuid.UUID, *, offset: int, limit: int) -> tuple[list[Invitation], int]:
        """A window of the user's invitations, newest first, and how many they have."""
        ...


class GovernanceUnitOfWork(UnitOfWork, Protocol):
    @property
    def roles(self) -> RoleStore: ...

    @property
    def policies(self) -> PolicyStore: ...

    @property
    def organizations(self) -> OrganizationStore: ...


class UserDirectory(Protocol):
    """What governance needs to know about users (implemented by identity's public API)."""

    def exists(self, user_id: uuid.UUID) -> bool:
        """Is there such a user, not deleted?"""
        ...

    def active_among(self, user_ids: Collection[uuid.UUID]) -> frozenset[uuid.UUID]:
        """Those of `user_ids` whose accounts are active (neither locked nor deleted)."""
        ...

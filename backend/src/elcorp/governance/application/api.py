"""Governance's public API: what other contexts may call (the RBAC core).

Identity calls it to learn a user's roles and permissions and to give new users their
default role; the HTTP layer's `require_permission` calls `grants_for` on every request
that needs a permission. `OrganizationDirectory` tells which organization a user belongs
to and who its members are (organization-scoped grants), and who is in a team.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from elcorp.governance.application.personal_data_erasure import GovernancePersonalDataErasure
from elcorp.governance.application.ports import GovernanceUnitOfWork, GrantsCache, GrantsStore
from elcorp.governance.domain.rbac import ADMIN, STAFF, USER, Grants, Scope
from elcorp.governance.domain.service_requests import (
    ServiceRequestApproved,
    ServiceRequestAssigned,
    ServiceRequestCancelled,
    ServiceRequestCompleted,
    ServiceRequestRejected,
    ServiceRequestSubmitted,
)
from elcorp.shared.application import context
from elcorp.shared.domain.errors import AccessDenied, ValidationFailed

__all__ = [
    "ADMIN_ROLE",
    "STAFF_ROLE",
    "USER_ROLE",
    "AccessControl",
    "GovernancePersonalDataErasure",
    "Grants",
    "GrantsStore",
    "OrganizationDirectory",
    "PermissionHolders",
    "Scope",
    "ServiceRequestApproved",
    "ServiceRequestAssigned",
    "ServiceRequestCancelled",
    "ServiceRequestCompleted",
    "ServiceRequestEvent",
    "ServiceRequestRejected",
    "ServiceRequestSubmitted",
]

# The service-request events other contexts follow (compliance's SLA tracking).
ServiceRequestEvent = (
    ServiceRequestSubmitted
    | ServiceRequestAssigned
    | ServiceRequestApproved
    | ServiceRequestRejected
    | ServiceRequestCompleted
    | ServiceRequestCancelled
)

ADMIN_ROLE, STAFF_ROLE, USER_ROLE = ADMIN, STAFF, USER


class AccessControl:
    """Where every grant is read. The current request's caller gets the grants their session
    may use (without MFA, the customer set only: ASVS 6.3.3); anyone else, and every caller
    outside a request, gets their stored grants."""

    def __init__(
        self,
        load: Callable[[uuid.UUID], Grants],
        cache: GrantsCache,
        *,
        mfa_roles: frozenset[str] = frozenset({ADMIN, STAFF}),
        mfa_enforced: bool = True,
    ) -> None:
        self._load = load  # reads one user's grants from the database in its own session
        self._cache = cache
        self._mfa_roles = mfa_roles
        self._mfa_enforced = mfa_enforced

    def grants_for(self, user_id: uuid.UUID) -> Grants:
        """What `user_id` may do now: for the caller of this request, cut to what their
        session may use; for anyone else (an assignee, an approver), their stored grants."""
        session = context.current_session()
        if session is not None and session.user_id == user_id:
            return self.session_grants(user_id, mfa=session.mfa)
        return self.stored_grants(user_id)

    def session_grants(self, user_id: uuid.UUID, *, mfa: bool) -> Grants:
        """The user's grants as a session that did (or did not) pass MFA may use them."""
        grants = self.stored_grants(user_id)
        if self._mfa_enforced and not mfa:
            return grants.without_mfa(self._mfa_roles)
        return grants

    def require(self, caller: uuid.UUID, *permissions: str, scope: Scope = Scope.OWN) -> Grants:
        """The caller's grants, if they hold every one of `permissions` at least as widely as
        `scope` (else 403): the one permission check of the use cases, which then filter by
        the scope held."""
        grants = self.grants_for(caller)
        missing = [p for p in permissions if not grants.covers(p, scope)]
        if missing:
            raise AccessDenied(f"{' and '.join(missing)} required")
        return grants

    def stored_grants(self, user_id: uuid.UUID) -> Grants:
        """The user's roles and permissions as assigned, from the cache or the database;
        asked again within the same HTTP request (the permission check, then the use case),
        from the request's memo. Not for deciding what the caller may do: `grants_for`."""
        memo = context.request_memo()
        key = ("grants", user_id)
        if memo is not None and key in memo:
            return memo[key]  # type: ignore[return-value]
        grants = self._cache.get(user_id)
        if grants is None:
            grants = self._load(user_id)
            self._cache.put(user_id, grants)
        if memo is not None:
            memo[key] = grants
        return grants

    @staticmethod
    def _drop_memo(user_id: uuid.UUID) -> None:
        memo = context.request_memo()
        if memo is not None:
            memo.pop(("grants", user_id), None)

    def assign_roles(
        self, store: GrantsStore, user_id: uuid.UUID, roles: frozenset[str], assigned_by: uuid.UUID | None
    ) -> None:
        """Replace the user's roles inside the caller's transaction; the cache entry is
        dropped at once and must be dropped again after commit (`forget`)."""
        unknown = roles - store.known_roles()
        if unknown:
            raise ValidationFailed(
                details=[{"field": "roles", "message": f"unknown role(s): {', '.join(sorted(unknown))}"}]
            )
        store.set_roles(user_id, roles, assigned_by)
        self._cache.invalidate(user_id)
        self._drop_memo(user_id)

    def forget(self, user_id: uuid.UUID) -> None:
        """Drop the cached grants of a user (after a commit that changed them)."""
        self._cache.invalidate(user_id)
        self._drop_memo(user_id)


class OrganizationDirectory:
    """Read-only answers about organizations and teams, for other contexts."""

    def __init__(self, uow: Callable[[], GovernanceUnitOfWork]) -> None:
        self._uow = uow

    def organization_of(self, user_id: uuid.UUID) -> uuid.UUID | None:
        """The organization the user belongs to (one at most), or None."""
        with self._uow() as uow:
            membership = uow.organizations.membership_of(user_id)
        return None if membership is None else membership.organization_id

    def members_of(self, organization_id: uuid.UUID) -> frozenset[uuid.UUID]:
        """The ids of the organization's members (empty for an unknown organization)."""
        with self._uow() as uow:
            return uow.organizations.member_ids(organization_id)

    def team_organization(self, team_id: uuid.UUID) -> uuid.UUID | None:
        """The organization a team belongs to, or None for an unknown team."""
        with self._uow() as uow:
            return uow.organizations.team_organization(team_id)

    def team_members(self, team_id: uuid.UUID) -> frozenset[uuid.UUID]:
        """The ids of a team's members (empty for an unknown team)."""
        with self._uow() as uow:
            return uow.organizations.team_members(team_id)


class PermissionHolders:
    """Who holds a permission (through any role, at scope `all`): for notices to approvers."""

    def __init__(self, uow: Callable[[], GovernanceUnitOfWork]) -> None:
        self._uow = uow

    def globally(self, permission: str) -> frozenset[uuid.UUID]:
        with self._uow() as uow:
            return uow.roles.users_with_permission(permission, Scope.ALL)

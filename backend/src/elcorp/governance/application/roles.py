"""Role administration: custom roles, the permission catalogue, role assignments.

Guards (see docs/SECURITY.md, "Authorisation"):

- nobody grants or takes away what they do not hold themselves: every permission a change
  adds to or removes from a role or whose scope it changes (at the wider of the old and new
  scopes), and every permission of a role being assigned or unassigned, must be held by
  the caller at least as widely (403 `ACC_001`; `all` covers `organization` covers `own`);
- system roles keep their name and permissions and cannot be deleted (409 `RES_005`);
- the last active administrator keeps the `admin` role (409 `RES_005`);
- deleting a role that is still assigned removes those assignments.

Every change is audited in its own transaction and drops the affected users' cached grants
before and after commit, so it takes effect on their very next request.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from elcorp.governance.application.api import AccessControl
from elcorp.governance.application.ports import GovernanceUnitOfWork, UserDirectory
from elcorp.governance.domain import policies as pbac
from elcorp.governance.domain.rbac import (
    ADMIN,
    ROLE_NAME,
    ROLE_NAME_MAX,
    PermissionInfo,
    Role,
    Scope,
    unsupported_scope,
)
from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.domain.errors import AccessDenied, AlreadyExists, Conflict, NotFound, ValidationFailed

MANAGE = "role:manage"


@dataclass(frozen=True, slots=True)
class CatalogueGroup:
    category: str
    permissions: list[PermissionInfo]


def _role_audit(role: Role) -> dict[str, object]:
    return {
        "name": role.name,
        "description": role.description,
        "permissions": sorted(role.permissions),
        "scopes": {p: s.value for p, s in sorted(role.permissions.items())},
    }


def _wider(a: Scope | None, b: Scope | None) -> Scope:
    held = [s for s in (a, b) if s is not None]
    return max(held, key=lambda s: s.rank)


def _grant_changes(before: Mapping[str, Scope], after: Mapping[str, Scope]) -> dict[str, Scope]:
    """Each permission a regrant adds, removes or rescopes, at the wider of its old and new
    scopes: what the caller must hold to make the change."""
    return {
        p: _wider(before.get(p), after.get(p))
        for p in set(before) | set(after)
        if before.get(p) is not after.get(p)
    }


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(details=[{"field": field, "message": message}])


def _check_name(name: str) -> None:
    if len(name) > ROLE_NAME_MAX or not ROLE_NAME.fullmatch(name):
        raise _invalid("name", "use lower-case letters and digits, optionally joined by - or _")


def _known_permissions(
    uow: GovernanceUnitOfWork,
    names: Iterable[str],
    scopes: Mapping[str, Scope],
    *,
    strict: bool = True,
) -> dict[str, Scope]:
    """The permissions with their scopes (`all` unless `scopes` names one). With `strict`,
    a scope for a permission not in `names` is refused (422)."""
    wanted = set(names)
    stray = sorted(set(scopes) - wanted) if strict else []
    if stray:
        raise _invalid("scopes", f"scope(s) for permission(s) the role does not grant: {', '.join(stray)}")
    unknown = wanted - {p.name for p in uow.roles.catalogue()}
    if unknown:
        raise _invalid("permissions", f"unknown permission(s): {', '.join(sorted(unknown))}")
    granted = {p: scopes.get(p, Scope.ALL) for p in sorted(wanted)}
    unsupported = [f"{p} at {scope.value}" for p, scope in granted.items() if unsupported_scope(p, scope)]
    if unsupported:
        # A scope the use case cannot filter by would mean nothing, or worse, everything.
        raise _invalid("scopes", f"scope not supported by the permission: {', '.join(unsupported)}")
    return granted


def _new_grants(
    uow: GovernanceUnitOfWork,
    before: Role,
    permissions: Collection[str] | None,
    scopes: Mapping[str, Scope] | None,
) -> dict[str, Scope] | None:
    """The role's permissions and scopes after an update, or None when the update leaves
    them as they are. Named permissions without `scopes` keep the scope they had."""
    if permissions is None and scopes is None:
        return None
    names = permissions if permissions is not None else list(before.permissions)
    given = scopes if scopes is not None else before.permissions
    wanted = _known_permissions(uow, names, given, strict=scopes is not None)
    return None if wanted == before.permissions else wanted


class PolicyGate(Protocol):
    """The policy engine as use cases ask it (PolicyAdministration.authorize)."""

    def authorize(
        self, actor: uuid.UUID, action: str, resource: pbac.Resource, *, emergency_reason: str | None = None
    ) -> object: ...


class RoleAdministration:
    """Every change is first put to the policy engine as `role:manage` (e.g. the business-
    hours policy: outside hours only with an emergency reason, which raises an alert)."""

    def __init__(
        self,
        uow: Callable[[], GovernanceUnitOfWork],
        access: AccessControl,
        users: UserDirectory,
        gate: PolicyGate | None = None,
    ) -> None:
        self._uow = uow
        self._access = access
        self._users = users
        self._gate = gate

    def _authorize(
        self,
        actor: uuid.UUID,
        resource_type: str,
        resource_id: uuid.UUID | None,
        emergency_reason: str | None,
    ) -> None:
        """Put the change to the policy engine; a refusal names the deciding policy's reason
        (`PolicyDenied`, with `emergency_override` when an emergency reason would pass it)."""
        if self._gate is None:
            return
        try:
            self._gate.authorize(
                actor, MANAGE, pbac.Resource(resource_type, resource_id), emergency_reason=emergency_reason
            )
        except pbac.PolicyDenied as denied:
            raise pbac.PolicyDenied(
                f"Role change refused: {denied.reasons}",
                reasons=denied.reasons,
                emergency_override=denied.emergency_override,
            ) from denied

    # -- reads -----------------------------------------------------------------------------
    def list_roles(self) -> list[Role]:
        with self._uow() as uow:
            return uow.roles.list_roles()

    def get_role(self, role_id: uuid.UUID) -> Role:
        with self._uow() as uow:
            return self._get(uow, role_id)

    def catalogue(self) -> list[CatalogueGroup]:
        with self._uow() as uow:
            entries = uow.roles.catalogue()
        groups: dict[str, list[PermissionInfo]] = {}
        for entry in sorted(entries, key=lambda p: (p.category, p.name)):
            groups.setdefault(entry.category, []).append(entry)
        return [CatalogueGroup(category, perms) for category, perms in groups.items()]

    # -- changes ---------------------------------------------------------------------------
    def create_role(
        self,
        actor: uuid.UUID,
        *,
        name: str,
        description: str | None,
        permissions: Collection[str],
        scopes: Mapping[str, Scope] | None = None,
        emergency_reason: str | None = None,
    ) -> Role:
        """A custom role granting `permissions`, each at its scope in `scopes` (default `all`)."""
        _check_name(name)
        self._authorize(actor, "role", None, emergency_reason)
        with self._uow() as uow:
            wanted = _known_permissions(uow, permissions, scopes or {})
            self._ensure_caller_holds(actor, wanted)
            if uow.roles.name_taken(name):
                raise AlreadyExists("A role with this name already exists", details=[{"field": "name"}])
            role_id = uow.roles.add_role(name, description, wanted)
            role = self._get(uow, role_id)
            uow.audit.record(
                "role.created",
                self._actor(actor),
                Resource("role", str(role_id)),
                Changes(after=_role_audit(role)),
            )
            uow.commit()
        return role

    def update_role(
        self,
        actor: uuid.UUID,
        role_id: uuid.UUID,
        *,
        name: str | None,
        description: str | None,
        description_set: bool,
        permissions: Collection[str] | None,
        scopes: Mapping[str, Scope] | None = None,
        emergency_reason: str | None = None,
    ) -> Role:
        """`permissions` replaces the role's list; `scopes` gives the complete scope map of
        the resulting permissions (those not named: `all`). Without `scopes` the permissions
        the role keeps keep their scope and new ones get `all`."""
        if name is not None:
            _check_name(name)
        self._authorize(actor, "role", role_id, emergency_reason)
        with self._uow() as uow:
            before = self._get(uow, role_id, for_update=True)
            regranted = _new_grants(uow, before, permissions, scopes)
            renamed = name is not None and name != before.name
            if before.is_system_role and (renamed or regranted is not None):
                raise Conflict("System roles cannot be renamed or have their permissions changed")
            if regranted is not None:
                self._ensure_caller_holds(actor, _grant_changes(before.permissions, regranted))
            if renamed and name is not None and uow.roles.name_taken(name):
                raise AlreadyExists("A role with this name already exists", details=[{"field": "name"}])
            uow.roles.update_role(
                role_id,
                name=name if name is not None else before.name,
                description=description if description_set else before.description,
            )
            holders = self._regrant(uow, role_id, regranted)
            after = self._get(uow, role_id)
            uow.audit.record(
                "role.updated",
                self._actor(actor),
                Resource("role", str(role_id)),
                Changes(_role_audit(before), _role_audit(after)),
            )
            uow.commit()
        self._forget(holders)
        return after

    def delete_role(
        self, actor: uuid.UUID, role_id: uuid.UUID, *, emergency_reason: str | None = None
    ) -> None:
        """Delete a custom role; its assignments go with it (the holders lose its grants)."""
        self._authorize(actor, "role", role_id, emergency_reason)
        with self._uow() as uow:
            role = self._get(uow, role_id, for_update=True)
            if role.is_system_role:
                raise Conflict("System roles cannot be deleted")
            self._ensure_caller_holds(actor, role.permissions)
            holders = uow.roles.delete_role(role_id)
            self._forget(holders)
            uow.audit.record(
                "role.deleted",
                self._actor(actor),
                Resource("role", str(role_id)),
                Changes(
                    before={**_role_audit(role), "holders": sorted(str(u) for u in holders)},
                ),
            )
            uow.commit()
        self._forget(holders)

    def assign_roles(
        self,
        actor: uuid.UUID,
        user_id: uuid.UUID,
        roles: Collection[str],
        *,
        emergency_reason: str | None = None,
    ) -> list[str]:
        """Replace the user's roles with `roles`; returns the new, sorted list."""
        if not self._users.exists(user_id):
            raise NotFound("User not found")
        self._authorize(actor, "user", user_id, emergency_reason)
        wanted = frozenset(roles)
        with self._uow() as uow:
            before = uow.roles.roles_of_many([user_id])[user_id]
            changed = before ^ wanted
            if changed:
                granted: dict[str, Scope] = {}
                for role in uow.roles.roles_named(changed & uow.roles.known_roles()):
                    for permission, scope in role.permissions.items():
                        granted[permission] = _wider(granted.get(permission), scope)
                self._ensure_caller_holds(actor, granted)
            if ADMIN in before and ADMIN not in wanted:
                # Removals of `admin` queue on the role's row, so two racing requests cannot
                # each see the other administrator and both succeed.
                uow.roles.lock_role(ADMIN)
                others = set(uow.roles.users_with_role(ADMIN)) - {user_id}
                if not self._users.active_among(others):
                    raise Conflict("Cannot remove the admin role from the last active administrator")
            self._access.assign_roles(uow.roles, user_id, wanted, actor)
            uow.audit.record(
                "user.roles_assigned",
                self._actor(actor),
                Resource("user", str(user_id)),
                Changes(
                    before={"roles": sorted(before)},
                    after={"roles": sorted(wanted), "assigned_by": str(actor)},
                ),
            )
            uow.commit()
        self._access.forget(user_id)
        return sorted(wanted)

    # -- helpers ---------------------------------------------------------------------------
    @staticmethod
    def _get(uow: GovernanceUnitOfWork, role_id: uuid.UUID, *, for_update: bool = False) -> Role:
        role = uow.roles.get_role(role_id, for_update=for_update)
        if role is None:
            raise NotFound("Role not found")
        return role

    def _regrant(
        self, uow: GovernanceUnitOfWork, role_id: uuid.UUID, wanted: dict[str, Scope] | None
    ) -> list[uuid.UUID]:
        """Store the role's new grants; returns its holders, whose cached grants are dropped
        now and again after commit."""
        if wanted is None:
            return []
        uow.roles.set_permissions(role_id, wanted)
        holders = uow.roles.holders(role_id)
        self._forget(holders)
        return holders

    def _ensure_caller_holds(self, actor: uuid.UUID, wanted: Mapping[str, Scope]) -> None:
        grants = self._access.grants_for(actor)
        missing = sorted(p for p, scope in wanted.items() if not grants.covers(p, scope))
        if missing:
            raise AccessDenied(
                f"You cannot grant or revoke permissions you do not hold: {', '.join(missing)}"
            )

    def _actor(self, actor: uuid.UUID) -> Actor:
        return Actor(id=str(actor), roles=tuple(sorted(self._access.grants_for(actor).roles)))

    def _forget(self, users: Iterable[uuid.UUID]) -> None:
        for user_id in users:
            self._access.forget(user_id)

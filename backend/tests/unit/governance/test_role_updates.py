"""Updating a role (application/roles.py `RoleAdministration.update_role`) on an in-memory
role store: which grants change, what the caller must hold to change them, what system
roles keep, and whose cached grants are dropped. No I/O."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

import pytest

from elcorp.governance.application.roles import RoleAdministration
from elcorp.governance.domain.policies import PolicyDenied
from elcorp.governance.domain.rbac import Grants, PermissionInfo, Role, Scope
from elcorp.shared.domain.errors import AccessDenied, AlreadyExists, Conflict, ValidationFailed
from support.fakes import FakeUnitOfWork
from unit.governance.workflow_fakes import FakeUsers, NoCache

CALLER, HOLDER = uuid.uuid4(), uuid.uuid4()
VIEW, EDIT, EXPORT = "fleet:view", "fleet:edit", "fleet:export"


class FakeRoleStore:
    def __init__(self, *roles: Role) -> None:
        self.rows = {r.id: r for r in roles}
        self.permission_changes: list[tuple[uuid.UUID, dict[str, Scope]]] = []
        self.holder_ids: dict[uuid.UUID, list[uuid.UUID]] = {}

    def catalogue(self) -> list[PermissionInfo]:
        return [PermissionInfo(p, "fleet", None) for p in (VIEW, EDIT, EXPORT)]

    def get_role(self, role_id: uuid.UUID, *, for_update: bool = False) -> Role | None:
        return self.rows.get(role_id)

    def name_taken(self, name: str) -> bool:
        return any(r.name == name for r in self.rows.values())

    def update_role(self, role_id: uuid.UUID, *, name: str, description: str | None) -> None:
        role = self.rows[role_id]
        self.rows[role_id] = Role(role.id, name, description, role.is_system_role, role.permissions)

    def set_permissions(self, role_id: uuid.UUID, permissions: Mapping[str, Scope]) -> None:
        role = self.rows[role_id]
        self.rows[role_id] = Role(
            role.id, role.name, role.description, role.is_system_role, dict(permissions)
        )
        self.permission_changes.append((role_id, dict(permissions)))

    def holders(self, role_id: uuid.UUID) -> list[uuid.UUID]:
        return self.holder_ids.get(role_id, [])


class RoleUnitOfWork(FakeUnitOfWork):
    def __init__(self, store: FakeRoleStore) -> None:
        super().__init__()
        self.roles = store


class CountingCache(NoCache):
    def __init__(self) -> None:
        self.invalidated: list[uuid.UUID] = []

    def invalidate(self, user_id: uuid.UUID) -> None:
        self.invalidated.append(user_id)


class Access:
    """AccessControl as role administration uses it: the caller's grants and `forget`."""

    def __init__(self, held: dict[str, Scope]) -> None:
        self.held = held
        self.cache = CountingCache()

    def grants_for(self, user_id: uuid.UUID) -> Grants:
        return Grants(frozenset({"fleet-admin"}), dict(self.held) if user_id == CALLER else {})

    def forget(self, user_id: uuid.UUID) -> None:
        self.cache.invalidate(user_id)


CUSTOM = Role(uuid.uuid4(), "dispatcher", "Dispatch desk", False, {VIEW: Scope.OWN, EDIT: Scope.ORGANIZATION})
SYSTEM = Role(uuid.uuid4(), "staff", None, True, {VIEW: Scope.ALL})


def service(
    held: dict[str, Scope] | None = None,
) -> tuple[RoleAdministration, FakeRoleStore, RoleUnitOfWork, Access]:
    store = FakeRoleStore(CUSTOM, SYSTEM)
    store.holder_ids[CUSTOM.id] = [HOLDER]
    uow = RoleUnitOfWork(store)
    access = Access(held if held is not None else dict.fromkeys((VIEW, EDIT, EXPORT), Scope.ALL))
    admin = RoleAdministration(lambda: uow, access, FakeUsers({CALLER, HOLDER}))  # type: ignore[arg-type]
    return admin, store, uow, access


def update(admin: RoleAdministration, role: Role, **changes: object) -> Role:
    values: dict[str, object] = {
        "name": None,
        "description": None,
        "description_set": False,
        "permissions": None,
    }
    return admin.update_role(CALLER, role.id, **{**values, **changes})  # type: ignore[arg-type]


def test_permissions_the_role_keeps_keep_their_scope_and_new_ones_get_all():
    admin, store, _, _ = service()

    after = update(admin, CUSTOM, permissions=[VIEW, EXPORT])

    assert after.permissions == {VIEW: Scope.OWN, EXPORT: Scope.ALL}
    assert store.permission_changes == [(CUSTOM.id, {VIEW: Scope.OWN, EXPORT: Scope.ALL})]


def test_given_scopes_are_the_complete_map_and_a_scope_for_a_permission_not_granted_is_refused():
    admin, _, _, _ = service()

    assert update(admin, CUSTOM, scopes={VIEW: Scope.ORGANIZATION}).permissions == {
        VIEW: Scope.ORGANIZATION,
        EDIT: Scope.ALL,
    }
    with pytest.raises(ValidationFailed) as refused:
        update(admin, CUSTOM, permissions=[VIEW], scopes={EXPORT: Scope.OWN})
    assert refused.value.details[0]["field"] == "scopes"


def test_the_caller_must_hold_each_changed_permission_at_the_wider_of_its_old_and_new_scope():
    # Narrowing EDIT from organization to own still needs EDIT at organization.
    admin, store, uow, _ = service(held={VIEW: Scope.ALL, EDIT: Scope.OWN})

    with pytest.raises(AccessDenied, match=EDIT):
        update(admin, CUSTOM, scopes={VIEW: Scope.OWN, EDIT: Scope.OWN})

    assert store.permission_changes == [] and uow.commits == 0


def test_permissions_left_as_they_are_need_nothing_of_the_caller_and_touch_no_grants():
    admin, store, _, access = service(held={})

    after = update(admin, CUSTOM, description="Dispatch and fleet desk", description_set=True)

    assert after.description == "Dispatch and fleet desk"
    assert store.permission_changes == [] and access.cache.invalidated == []


def test_the_holders_lose_their_cached_grants_before_and_after_the_commit():
    admin, _, uow, access = service()

    update(admin, CUSTOM, permissions=[VIEW])

    assert access.cache.invalidated == [HOLDER, HOLDER]
    [entry] = uow.committed_audit
    assert entry.action == "role.updated"
    assert entry.changes is not None and entry.changes.after["permissions"] == [VIEW]


def test_a_system_role_keeps_its_name_and_permissions_but_its_description_may_change():
    admin, _, _, _ = service()

    with pytest.raises(Conflict):
        update(admin, SYSTEM, permissions=[VIEW, EDIT])
    with pytest.raises(Conflict):
        update(admin, SYSTEM, name="helpdesk")
    assert update(admin, SYSTEM, permissions=[VIEW]).permissions == {VIEW: Scope.ALL}  # unchanged: allowed
    assert update(admin, SYSTEM, description="Staff", description_set=True).description == "Staff"


def test_a_role_cannot_take_another_roles_name():
    admin, _, _, _ = service()

    with pytest.raises(AlreadyExists):
        update(admin, CUSTOM, name="staff")


WINDOW = "Mon-Fri 08:00-17:00 Africa/Windhoek, not on public holidays"


class RefusingGate:
    """The policy engine as role administration asks it, refusing as the business-hours
    policy does outside hours (an emergency reason would pass it)."""

    def __init__(self) -> None:
        self.asked: list[tuple[uuid.UUID, str, str | None]] = []

    def authorize(
        self, actor: uuid.UUID, action: str, resource: object, *, emergency_reason: str | None = None
    ) -> object:
        self.asked.append((actor, action, emergency_reason))
        reasons = f"allowed only in business hours ({WINDOW})"
        raise PolicyDenied(reasons.capitalize(), reasons=reasons, emergency_override=True)


def test_a_policy_refusal_of_a_role_change_names_the_policys_reason_and_changes_nothing():
    store = FakeRoleStore(CUSTOM, SYSTEM)
    uow = RoleUnitOfWork(store)
    gate = RefusingGate()
    access = Access(dict.fromkeys((VIEW, EDIT, EXPORT), Scope.ALL))
    admin = RoleAdministration(lambda: uow, access, FakeUsers({CALLER, HOLDER}), gate)  # type: ignore[arg-type]

    with pytest.raises(PolicyDenied) as refused:
        update(admin, CUSTOM, description="Weekend desk", description_set=True)

    assert refused.value.message == f"Role change refused: allowed only in business hours ({WINDOW})"
    assert refused.value.emergency_override is True and refused.value.code == "ACC_001"
    assert gate.asked == [(CALLER, "role:manage", None)]
    assert store.rows[CUSTOM.id] == CUSTOM and uow.commits == 0

"""SQL store of roles, their permissions and the permission catalogue (role administration)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from elcorp.governance.domain.rbac import PermissionInfo, Role, Scope
from elcorp.governance.infrastructure.grants import SqlGrantsStore
from elcorp.governance.infrastructure.tables import permission, role, role_permission, user_role


class SqlRoleStore(SqlGrantsStore):
    def __init__(self, session: Session) -> None:
        super().__init__(session)

    def catalogue(self) -> list[PermissionInfo]:
        rows = self._session.execute(
            select(permission.c.name, permission.c.category, permission.c.description).order_by(
                permission.c.category, permission.c.name
            )
        ).all()
        return [PermissionInfo(str(n), str(c), None if d is None else str(d)) for n, c, d in rows]

    def _roles(self, *conditions: object, for_update: bool = False) -> list[Role]:
        columns = (role.c.id, role.c.name, role.c.description, role.c.is_system_role)
        query = select(*columns).order_by(role.c.name)
        for condition in conditions:
            query = query.where(condition)  # type: ignore[arg-type]
        if for_update:
            query = query.with_for_update()
        rows = self._session.execute(query).all()
        if not rows:
            return []
        ids = [row.id for row in rows]
        grants: dict[uuid.UUID, dict[str, Scope]] = {rid: {} for rid in ids}
        for rid, name, scope in self._session.execute(
            select(role_permission.c.role_id, permission.c.name, role_permission.c.scope)
            .join(permission, permission.c.id == role_permission.c.permission_id)
            .where(role_permission.c.role_id.in_(ids))
        ).all():
            grants[uuid.UUID(str(rid))][str(name)] = Scope(str(scope))
        return [
            Role(
                id=row.id,
                name=str(row.name),
                description=row.description,
                is_system_role=bool(row.is_system_role),
                permissions=dict(sorted(grants[row.id].items())),
            )
            for row in rows
        ]

    def list_roles(self) -> list[Role]:
        return self._roles()

    def get_role(self, role_id: uuid.UUID, *, for_update: bool = False) -> Role | None:
        found = self._roles(role.c.id == role_id, for_update=for_update)
        return found[0] if found else None

    def roles_named(self, names: Collection[str]) -> list[Role]:
        return self._roles(role.c.name.in_(sorted(names))) if names else []

    def name_taken(self, name: str) -> bool:
        return self._session.execute(select(role.c.id).where(role.c.name == name)).first() is not None

    def add_role(self, name: str, description: str | None, permissions: Mapping[str, Scope]) -> uuid.UUID:
        role_id = uuid.uuid4()
        self._session.execute(
            insert(role).values(id=role_id, name=name, description=description, is_system_role=False)
        )
        self.set_permissions(role_id, permissions)
        return role_id

    def update_role(self, role_id: uuid.UUID, *, name: str, description: str | None) -> None:
        self._session.execute(
            update(role).where(role.c.id == role_id).values(name=name, description=description)
        )

    def set_permissions(self, role_id: uuid.UUID, permissions: Mapping[str, Scope]) -> None:
        self._session.execute(delete(role_permission).where(role_permission.c.role_id == role_id))
        if not permissions:
            return
        rows = self._session.execute(
            select(permission.c.name, permission.c.id).where(permission.c.name.in_(sorted(permissions)))
        ).all()
        ids: dict[str, uuid.UUID] = {str(name): uuid.UUID(str(pid)) for name, pid in rows}
        self._session.execute(
            insert(role_permission),
            [
                {"role_id": role_id, "permission_id": ids[name], "scope": scope.value}
                for name, scope in sorted(permissions.items())
            ],
        )

    def holders(self, role_id: uuid.UUID) -> list[uuid.UUID]:
        return list(
            self._session.execute(select(user_role.c.user_id).where(user_role.c.role_id == role_id)).scalars()
        )

    def delete_role(self, role_id: uuid.UUID) -> list[uuid.UUID]:
        holders: list[uuid.UUID] = list(
            self._session.execute(
                delete(user_role).where(user_role.c.role_id == role_id).returning(user_role.c.user_id)
            ).scalars()
        )
        self._session.execute(delete(role).where(role.c.id == role_id))
        return holders

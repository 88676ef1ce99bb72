"""SQL store and Redis cache of role assignments and their permissions."""

from __future__ import annotations

import json
import uuid

import redis
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from elcorp.governance.domain.rbac import Grants, Scope
from elcorp.governance.infrastructure.tables import permission, role, role_permission, user_role
from elcorp.shared.domain.errors import ServiceUnavailable

CACHE_TTL_SECONDS = 300


class SqlGrantsStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    def load(self, user_id: uuid.UUID) -> Grants:
        roles: frozenset[str] = frozenset(
            self._session.execute(
                select(role.c.name)
                .join(user_role, user_role.c.role_id == role.c.id)
                .where(user_role.c.user_id == user_id)
            ).scalars()
        )
        rows = self._session.execute(
            select(permission.c.name, role_permission.c.scope)
            .join(role_permission, role_permission.c.permission_id == permission.c.id)
            .join(user_role, user_role.c.role_id == role_permission.c.role_id)
            .where(user_role.c.user_id == user_id)
        ).all()
        return Grants.merge(roles, [(str(name), Scope(str(scope))) for name, scope in rows])

    def set_roles(self, user_id: uuid.UUID, roles: frozenset[str], assigned_by: uuid.UUID | None) -> None:
        self._session.execute(delete(user_role).where(user_role.c.user_id == user_id))
        if roles:
            ids: list[uuid.UUID] = list(
                self._session.execute(select(role.c.id).where(role.c.name.in_(sorted(roles)))).scalars().all()
            )
            self._session.execute(
                insert(user_role),
                [{"user_id": user_id, "role_id": rid, "assigned_by": assigned_by} for rid in ids],
            )

    def known_roles(self) -> frozenset[str]:
        return frozenset(self._session.execute(select(role.c.name)).scalars())

    def users_with_role(self, role_name: str) -> list[uuid.UUID]:
        return list(
            self._session.execute(
                select(user_role.c.user_id)
                .join(role, role.c.id == user_role.c.role_id)
                .where(role.c.name == role_name)
            ).scalars()
        )

    def lock_role(self, name: str) -> None:
        self._session.execute(select(role.c.id).where(role.c.name == name).with_for_update())

    def users_with_permission(self, permission_name: str, scope: Scope) -> frozenset[uuid.UUID]:
        wide_enough = [s.value for s in Scope if s.rank >= scope.rank]
        return frozenset(
            self._session.execute(
                select(user_role.c.user_id)
                .join(role_permission, role_permission.c.role_id == user_role.c.role_id)
                .join(permission, permission.c.id == role_permission.c.permission_id)
                .where(permission.c.name == permission_name, role_permission.c.scope.in_(wide_enough))
                .distinct()
            ).scalars()
        )

    def roles_of_many(self, user_ids: list[uuid.UUID]) -> dict[uuid.UUID, frozenset[str]]:
        found: dict[uuid.UUID, set[str]] = {uid: set() for uid in user_ids}
        if user_ids:
            rows = self._session.execute(
                select(user_role.c.user_id, role.c.name)
                .join(role, role.c.id == user_role.c.role_id)
                .where(user_role.c.user_id.in_(user_ids))
            ).all()
            for uid, name in rows:
                found[uuid.UUID(str(uid))].add(str(name))
        return {uid: frozenset(names) for uid, names in found.items()}


class RedisGrantsCache:
    """`rbac:grants:<user id>` -> JSON; short TTL as a backstop, invalidated on change."""

    def __init__(self, client: redis.Redis) -> None:
        self._redis = client

    @staticmethod
    def key(user_id: uuid.UUID) -> str:
        return f"rbac:grants:{user_id}"

    def get(self, user_id: uuid.UUID) -> Grants | None:
        try:
            raw = self._redis.get(self.key(user_id))
        except redis.RedisError as exc:
            raise ServiceUnavailable() from exc
        if raw is None:
            return None
        data = json.loads(raw)
        # Merged again so an entry cached by an older release narrows like a fresh load.
        return Grants.merge(frozenset(data["roles"]), [(k, Scope(v)) for k, v in data["permissions"].items()])

    def put(self, user_id: uuid.UUID, grants: Grants) -> None:
        payload = {
            "roles": sorted(grants.roles),
            "permissions": {k: v.value for k, v in grants.permissions.items()},
        }
        try:
            self._redis.set(self.key(user_id), json.dumps(payload), ex=CACHE_TTL_SECONDS)
        except redis.RedisError as exc:
            raise ServiceUnavailable() from exc

    def invalidate(self, user_id: uuid.UUID) -> None:
        # Failing to drop a stale entry must fail the change, never leave old permissions.
        try:
            self._redis.delete(self.key(user_id))
        except redis.RedisError as exc:
            raise ServiceUnavailable() from exc

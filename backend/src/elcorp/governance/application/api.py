"""Governance's public API: what other contexts may call (the RBAC core).

Identity calls it to learn a user's roles and permissions and to give new users their
default role; the HTTP layer's `require_permission` calls `grants_for` on every request
that needs a permission.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from elcorp.governance.application.ports import GrantsCache, GrantsStore
from elcorp.governance.domain.rbac import ADMIN, STAFF, USER, Grants, Scope
from elcorp.shared.domain.errors import ValidationFailed

__all__ = ["ADMIN_ROLE", "STAFF_ROLE", "USER_ROLE", "AccessControl", "Grants", "GrantsStore", "Scope"]

ADMIN_ROLE, STAFF_ROLE, USER_ROLE = ADMIN, STAFF, USER


class AccessControl:
    def __init__(self, load: Callable[[uuid.UUID], Grants], cache: GrantsCache) -> None:
        self._load = load  # reads one user's grants from the database in its own session
        self._cache = cache

    def grants_for(self, user_id: uuid.UUID) -> Grants:
        """The user's roles and permissions, from the cache or the database."""
        cached = self._cache.get(user_id)
        if cached is not None:
            return cached
        grants = self._load(user_id)
        self._cache.put(user_id, grants)
        return grants

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

    def forget(self, user_id: uuid.UUID) -> None:
        """Drop the cached grants of a user (after a commit that changed them)."""
        self._cache.invalidate(user_id)

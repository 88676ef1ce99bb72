"""Ports of the governance application layer."""

from __future__ import annotations

import uuid
from typing import Protocol

from elcorp.governance.domain.rbac import Grants


class GrantsStore(Protocol):
    """Reads and writes role assignments (the database)."""

    def load(self, user_id: uuid.UUID) -> Grants: ...

    def set_roles(self, user_id: uuid.UUID, roles: frozenset[str], assigned_by: uuid.UUID | None) -> None: ...

    def known_roles(self) -> frozenset[str]: ...

    def users_with_role(self, role: str) -> list[uuid.UUID]: ...

    def roles_of_many(self, user_ids: list[uuid.UUID]) -> dict[uuid.UUID, frozenset[str]]: ...


class GrantsCache(Protocol):
    """Caches each user's effective grants (Redis); invalidated on every change."""

    def get(self, user_id: uuid.UUID) -> Grants | None: ...

    def put(self, user_id: uuid.UUID, grants: Grants) -> None: ...

    def invalidate(self, user_id: uuid.UUID) -> None: ...

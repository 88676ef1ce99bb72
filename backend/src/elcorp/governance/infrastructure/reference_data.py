"""The access-control reference data `elcorp seed` loads: the system roles, the permission
catalogue and the system roles' grants, exactly as `governance/domain/rbac.py` declares them.

The migrations insert the same rows (0002 and the later permission migrations), so on a
migrated database the loader finds everything in place and adds nothing. It puts back what
is missing, and only inserts: system roles can be neither renamed, regranted nor deleted
(`application/roles.py`), so nothing an administrator decided is ever overwritten, and
running it twice changes nothing."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from elcorp.governance.application.ports import GrantsCache
from elcorp.governance.domain.rbac import CATALOGUE, DEFAULT_GRANTS, SYSTEM_ROLES

_ROLES = text(
    """
    INSERT INTO role (name, description, is_system_role)
    SELECT name, description, true
    FROM unnest(CAST(:names AS text[]), CAST(:descriptions AS text[])) AS r(name, description)
    ON CONFLICT (name) DO NOTHING
    RETURNING name
    """
)
_PERMISSIONS = text(
    """
    INSERT INTO permission (name, description, category)
    SELECT name, description, category
    FROM unnest(CAST(:names AS text[]), CAST(:descriptions AS text[]), CAST(:categories AS text[]))
        AS p(name, description, category)
    ON CONFLICT (name) DO NOTHING
    RETURNING name
    """
)
_GRANTS = text(
    """
    INSERT INTO role_permission (role_id, permission_id, scope)
    SELECT r.id, p.id, g.scope
    FROM unnest(CAST(:roles AS text[]), CAST(:permissions AS text[]), CAST(:scopes AS text[]))
        AS g(role, permission, scope)
    JOIN role r ON r.name = g.role
    JOIN permission p ON p.name = g.permission
    ON CONFLICT (role_id, permission_id) DO NOTHING
    RETURNING role_id
    """
)
_HOLDERS = text("SELECT DISTINCT user_id FROM user_role WHERE role_id = ANY(CAST(:roles AS uuid[]))")


def _declared_grants() -> list[tuple[str, str, str]]:
    """The system roles' grants as rows: (role, permission, scope)."""
    return [
        (role, permission, scope.value)
        for role, granted in DEFAULT_GRANTS.items()
        for permission, scope in granted.items()
    ]


@dataclass(frozen=True, slots=True)
class _Added:
    """What one load inserted."""

    roles: list[str]
    permissions: list[str]
    regranted: list[uuid.UUID]  # the roles that gained a grant

    @property
    def anything(self) -> bool:
        return bool(self.roles or self.permissions or self.regranted)


def _insert_missing(session: Session, grants: list[tuple[str, str, str]]) -> _Added:
    """Insert what is declared and absent; each statement returns only the rows it inserted."""
    roles: list[str] = list(
        session.execute(
            _ROLES, {"names": list(SYSTEM_ROLES), "descriptions": list(SYSTEM_ROLES.values())}
        ).scalars()
    )
    permissions: list[str] = list(
        session.execute(
            _PERMISSIONS,
            {
                "names": [spec.name for spec in CATALOGUE],
                "descriptions": [spec.description for spec in CATALOGUE],
                "categories": [spec.category for spec in CATALOGUE],
            },
        ).scalars()
    )
    regranted: list[uuid.UUID] = list(
        session.execute(
            _GRANTS,
            {
                "roles": [role for role, _, _ in grants],
                "permissions": [permission for _, permission, _ in grants],
                "scopes": [scope for _, _, scope in grants],
            },
        ).scalars()
    )
    return _Added(roles, permissions, regranted)


@dataclass(frozen=True, slots=True)
class AccessControlReferenceData:
    """Loads the declared roles, permissions and system-role grants that are missing."""

    sessions: Callable[[], Session]
    grants_cache: GrantsCache

    def load(self) -> str:
        """One line for `elcorp seed`: what is declared, and what had to be added."""
        grants = _declared_grants()
        with self.sessions() as session, session.begin():
            added = _insert_missing(session, grants)
            holders: list[uuid.UUID] = []
            if added.regranted:
                roles = sorted({str(r) for r in added.regranted})
                holders = list(session.execute(_HOLDERS, {"roles": roles}).scalars())
        # After the commit: a holder of a role that gained a grant must not keep its cached grants.
        for user_id in holders:
            self.grants_cache.invalidate(user_id)
        declared = (
            f"{len(SYSTEM_ROLES)} system roles, {len(CATALOGUE)} permissions, "
            f"{len(grants)} system-role grants as declared"
        )
        if not added.anything:
            return f"access control: {declared}; all present, nothing added"
        return (
            f"access control: {declared}; added {len(added.roles)} roles, "
            f"{len(added.permissions)} permissions, {len(added.regranted)} grants"
        )

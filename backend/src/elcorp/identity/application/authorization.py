"""The permission gate behind `require_permission`: RBAC grants from governance, plus the
rule that staff and administrators act only from a session that passed MFA."""

from __future__ import annotations

from elcorp.governance.application.api import AccessControl
from elcorp.identity.domain.errors import MfaEnrolmentRequired
from elcorp.shared.application.auth import AuthenticatedCaller
from elcorp.shared.domain.errors import AccessDenied


class PermissionGate:
    def __init__(self, access: AccessControl, *, mfa_roles: frozenset[str], mfa_enforced: bool) -> None:
        self._access = access
        self._mfa_roles = mfa_roles
        self._mfa_enforced = mfa_enforced

    def authorize(self, caller: AuthenticatedCaller, permission: str) -> None:
        grants = self._access.grants_for(caller.user_id)
        if not grants.allows(permission):
            raise AccessDenied(f"Missing permission {permission}")
        if self._mfa_enforced and grants.roles & self._mfa_roles and not caller.mfa:
            raise MfaEnrolmentRequired()

"""The permission gate behind `require_permission`: RBAC grants from governance, as the
caller's session may use them (a session without MFA keeps only the customer set)."""

from __future__ import annotations

from elcorp.governance.application.api import AccessControl
from elcorp.identity.application.results import EffectivePermissions
from elcorp.identity.domain.errors import MfaEnrolmentRequired
from elcorp.shared.application.auth import AuthenticatedCaller
from elcorp.shared.domain.errors import AccessDenied


class PermissionGate:
    def __init__(self, access: AccessControl) -> None:
        self._access = access

    def authorize(self, caller: AuthenticatedCaller, permission: str) -> None:
        grants = self._access.session_grants(caller.user_id, mfa=caller.mfa)
        if permission in grants.withheld:
            raise MfaEnrolmentRequired()  # held, but only from a session that passed MFA
        if not grants.allows(permission):
            raise AccessDenied(f"Missing permission {permission}")

    def effective(self, caller: AuthenticatedCaller) -> EffectivePermissions:
        """The same grants `authorize` decides with, for the caller to see."""
        grants = self._access.session_grants(caller.user_id, mfa=caller.mfa)
        return EffectivePermissions(
            roles=sorted(grants.roles),
            permissions={
                name: scope.value
                for name, scope in sorted(grants.permissions.items())
                if name not in grants.withheld  # `authorize` refuses these (AUTH_006)
            },
            withheld=sorted(grants.withheld),
            mfa=caller.mfa,
        )

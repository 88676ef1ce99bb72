"""The permission gate behind `require_permission`: RBAC grants from governance, as the
caller's session may use them (a session without MFA keeps only the customer set)."""

from __future__ import annotations

from elcorp.governance.application.api import AccessControl
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

"""Ports the HTTP layer uses to authenticate callers and check permissions.

Identity implements `Authenticator` (tokens) and the composition root builds the
`Authorizer` (governance's grants plus identity's MFA rule), so the shared kernel never
imports a context.
"""

from __future__ import annotations

import uuid
from typing import Protocol


class AuthenticatedCaller(Protocol):
    @property
    def user_id(self) -> uuid.UUID: ...

    @property
    def device_id(self) -> uuid.UUID: ...

    @property
    def mfa(self) -> bool: ...


class Authenticator(Protocol):
    def authenticate(self, access_token: str) -> AuthenticatedCaller:
        """Raise AuthenticationFailed (401) or ServiceUnavailable (503, fail closed)."""
        ...


class Authorizer(Protocol):
    def authorize(self, caller: AuthenticatedCaller, permission: str) -> None:
        """Raise AccessDenied (403) unless the caller holds `permission`."""
        ...

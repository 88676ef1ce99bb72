"""The identity use cases the HTTP layer calls, built by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from elcorp.identity.application.accounts import Accounts
from elcorp.identity.application.admin import UserAdministration
from elcorp.identity.application.authentication import Authentication
from elcorp.identity.application.authorization import PermissionGate
from elcorp.identity.application.mfa import TwoFactor
from elcorp.identity.interfaces.web_session import WebSessionPolicy


@dataclass(frozen=True)
class IdentityServices:
    auth: Authentication
    accounts: Accounts
    mfa: TwoFactor
    admin: UserAdministration
    permissions: PermissionGate  # the gate `require_permission` asks; GET /me/permissions shows it
    web: WebSessionPolicy  # browser sessions: the refresh-token cookie and its CSRF defence

"""What the identity use cases return to the interfaces layer (plain data, no framework)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "Bearer"  # noqa: S105  # nosec B105
    refresh_expires_in: int = 0  # seconds left in the token family's absolute lifetime
    session_expires_at: datetime | None = None  # when the token family ends (no refresh after it)


@dataclass(frozen=True, slots=True)
class MfaChallenge:
    mfa_token: str
    mfa_required: bool = True


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller of one request."""

    user_id: uuid.UUID
    device_id: uuid.UUID
    jti: str
    expires_at: float
    mfa: bool  # this session passed a second factor (amr contains "otp")


@dataclass(frozen=True, slots=True)
class UserView:
    id: uuid.UUID
    username: str
    email: str
    full_name: str
    phone: str | None
    organization: str | None
    roles: list[str]
    status: str
    mfa_enabled: bool
    email_verified: bool
    wallet_address: uuid.UUID
    created_at: datetime
    deleted_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    device_id: uuid.UUID
    device_name: str | None
    user_agent: str | None
    ip_address: str | None
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime
    current: bool


@dataclass(frozen=True, slots=True)
class EffectivePermissions:
    """What the caller's session may do, as the permission gate decides it."""

    roles: list[str]
    permissions: dict[str, str]  # permission name -> widest scope held (own, organization, all)
    withheld: list[str]  # held, but usable only from a session that passed MFA
    mfa: bool  # this session passed a second factor

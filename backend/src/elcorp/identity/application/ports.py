"""Ports of the identity use cases. Adapters: identity.infrastructure (SQL, Redis, JWT,
Argon2, SMTP); fakes for unit tests in backend/tests/support."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from elcorp.governance.application.api import GrantsStore
from elcorp.identity.domain.ports import UserRepository
from elcorp.shared.application.unit_of_work import UnitOfWork


class DeviceView(Protocol):
    @property
    def device_id(self) -> uuid.UUID: ...

    @property
    def device_name(self) -> str | None: ...

    @property
    def refresh_token_hash(self) -> str: ...

    @property
    def family_id(self) -> uuid.UUID: ...

    @property
    def user_agent(self) -> str | None: ...

    @property
    def ip_address(self) -> str | None: ...

    @property
    def created_at(self) -> datetime: ...

    @property
    def last_used_at(self) -> datetime: ...

    @property
    def expires_at(self) -> datetime: ...

    @property
    def revoked_at(self) -> datetime | None: ...


class DeviceStore(Protocol):
    def start_family(
        self,
        *,
        user_id: uuid.UUID,
        device_id: uuid.UUID,
        device_name: str | None,
        refresh_jti: str,
        family_id: uuid.UUID,
        expires_at: datetime,
        user_agent: str | None,
        ip: str | None,
        now: datetime,
    ) -> None: ...

    def get_for_update(self, user_id: uuid.UUID, device_id: uuid.UUID) -> DeviceView | None: ...

    def rotate(
        self,
        user_id: uuid.UUID,
        device_id: uuid.UUID,
        refresh_jti: str,
        *,
        user_agent: str | None,
        ip: str | None,
        now: datetime,
    ) -> None: ...

    def is_current(self, device: DeviceView, refresh_jti: str) -> bool:
        """Is this the refresh token the device may exchange next (not a spent one)?"""
        ...

    def revoke(self, user_id: uuid.UUID, device_id: uuid.UUID, now: datetime) -> bool: ...

    def revoke_all(
        self, user_id: uuid.UUID, now: datetime, *, except_device: uuid.UUID | None = None
    ) -> list[uuid.UUID]: ...

    def active(
        self, user_id: uuid.UUID, now: datetime, *, offset: int = 0, limit: int | None = None
    ) -> Sequence[DeviceView]:
        """Sessions neither revoked nor expired, most recently used first (a window of them)."""
        ...

    def count_active(self, user_id: uuid.UUID, now: datetime) -> int: ...


class OneTimeTokens(Protocol):
    def issue(self, user_id: uuid.UUID, purpose: str, ttl_seconds: int, now: datetime) -> str: ...

    def consume(self, raw: str, purpose: str, now: datetime) -> uuid.UUID | None: ...


class MfaStore(Protocol):
    def secrets_of(self, user_id: uuid.UUID) -> tuple[str | None, str | None]: ...

    def set_pending(self, user_id: uuid.UUID, encrypted_secret: str) -> None: ...

    def activate(self, user_id: uuid.UUID, encrypted_secret: str, step: int) -> None: ...

    def deactivate(self, user_id: uuid.UUID) -> None: ...

    def claim_step(self, user_id: uuid.UUID, step: int) -> bool: ...

    def replace_backup_codes(self, user_id: uuid.UUID, count: int = 10) -> list[str]: ...

    def consume_backup_code(self, user_id: uuid.UUID, code: str, now: datetime) -> bool: ...

    def backup_codes_left(self, user_id: uuid.UUID) -> int: ...


class IdentityUnitOfWork(UnitOfWork, Protocol):
    @property
    def users(self) -> UserRepository: ...

    @property
    def devices(self) -> DeviceStore: ...

    @property
    def links(self) -> OneTimeTokens: ...

    @property
    def mfa(self) -> MfaStore: ...

    @property
    def grants(self) -> GrantsStore: ...


class IssuedToken(Protocol):
    @property
    def token(self) -> str: ...

    @property
    def jti(self) -> str: ...

    @property
    def expires_at(self) -> float: ...


class Claims(Protocol):
    @property
    def subject(self) -> uuid.UUID: ...

    @property
    def type(self) -> str: ...

    @property
    def jti(self) -> str: ...

    @property
    def device_id(self) -> uuid.UUID: ...

    @property
    def issued_at(self) -> float: ...

    @property
    def expires_at(self) -> float: ...

    @property
    def family_id(self) -> uuid.UUID | None: ...

    @property
    def mfa(self) -> bool: ...


class TokenService(Protocol):
    access_ttl: int
    refresh_ttl: int

    def issue_access(
        self, user_id: uuid.UUID, device_id: uuid.UUID, now: datetime, *, mfa: bool
    ) -> IssuedToken: ...

    def issue_refresh(
        self,
        user_id: uuid.UUID,
        device_id: uuid.UUID,
        family_id: uuid.UUID,
        family_expires_at: datetime,
        now: datetime,
        *,
        mfa: bool,
    ) -> IssuedToken: ...

    def decode(self, token: str, expected_type: str) -> Claims: ...


class RevocationList(Protocol):
    def ensure_valid(
        self, *, jti: str, user_id: uuid.UUID, device_id: uuid.UUID, issued_at: float
    ) -> None: ...

    def deny(self, jti: str, expires_at: float) -> None: ...

    def revoke_user(self, user_id: uuid.UUID) -> None: ...

    def revoke_device(self, user_id: uuid.UUID, device_id: uuid.UUID) -> None: ...


class Preflight(Protocol):
    @property
    def ip_retry_after(self) -> int | None: ...

    @property
    def locked(self) -> bool: ...

    @property
    def has_failures(self) -> bool: ...


class LoginThrottle(Protocol):
    def preflight(self, ip: str | None, user_id: uuid.UUID | None) -> Preflight:
        """IP throttle, account lock and "any failures to reset?" in one round trip."""
        ...

    def is_locked(self, user_id: uuid.UUID) -> bool: ...

    def record_failure(self, user_id: uuid.UUID | None, ip: str | None) -> int | None: ...

    def record_success(self, user_id: uuid.UUID) -> None: ...

    def clear(self, user_id: uuid.UUID) -> None: ...


class PendingMfa(Protocol):
    @property
    def user_id(self) -> uuid.UUID: ...

    @property
    def device_id(self) -> uuid.UUID: ...

    @property
    def device_name(self) -> str | None: ...


class MfaChallenges(Protocol):
    """Short-lived, single-use `mfa_token`s for the second step of a login."""

    def create(self, user_id: uuid.UUID, device_id: uuid.UUID, device_name: str | None) -> str: ...

    def begin_attempt(self, token: str) -> PendingMfa | None:
        """Reserve one of the challenge's few attempts, atomically, before a code is checked;
        None when the token is unknown, spent or out of attempts (it dies then)."""
        ...

    def take(self, token: str) -> bool:
        """Spend the challenge; False if someone else already did."""
        ...


class Totp(Protocol):
    def new_secret(self) -> str: ...

    def provisioning_uri(self, secret: str, account: str) -> str: ...

    def qr_svg(self, uri: str) -> str: ...

    def matching_step(self, secret: str, code: str, at: datetime) -> int | None:
        """The time step the code belongs to (within +-1 step of `at`), or None."""
        ...

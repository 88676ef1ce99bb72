"""The user account aggregate: who a person is to the platform and what state they are in."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from elcorp.shared.domain.email import EmailAddress
from elcorp.shared.domain.errors import Conflict, ValidationFailed
from elcorp.shared.domain.phone import PhoneNumber

USERNAME = re.compile(r"^[a-z0-9](?:[a-z0-9._-]{1,30}[a-z0-9])$")


class UserStatus(StrEnum):
    ACTIVE = "active"
    LOCKED = "locked"  # by an administrator, until unlocked (temporary lockouts live in Redis)
    DELETED = "deleted"
    ERASED = "erased"  # POPIA s24: closed for good, restricted and pseudonymised (compliance erasure)


def normalize_username(raw: str) -> str:
    value = raw.strip().lower()
    if not USERNAME.match(value):
        raise ValidationFailed(
            details=[
                {
                    "field": "username",
                    "message": "3-32 characters: letters, digits, dot, dash or underscore; "
                    "starting and ending with a letter or digit",
                }
            ]
        )
    return value


def validate_full_name(raw: str) -> str:
    value = " ".join(raw.split())
    if not 2 <= len(value) <= 100:
        raise ValidationFailed(details=[{"field": "full_name", "message": "must be 2-100 characters"}])
    return value


@dataclass
class User:
    id: uuid.UUID
    username: str
    full_name: str
    email: EmailAddress
    password_hash: str
    wallet_address: uuid.UUID
    created_at: datetime
    phone: PhoneNumber | None = None
    organization: str | None = None
    status: UserStatus = UserStatus.ACTIVE
    email_verified_at: datetime | None = None
    mfa_enabled: bool = False
    password_changed_at: datetime | None = None
    updated_at: datetime | None = None
    deleted_at: datetime | None = None

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def can_sign_in(self) -> bool:
        return self.status is UserStatus.ACTIVE and not self.is_deleted

    def identifying_inputs(self) -> list[str]:
        """What a password must not contain (fed to the strength estimator too)."""
        return [self.username, self.email.value, *self.full_name.split()]

    def verify_email(self, at: datetime) -> None:
        if self.email_verified_at is None:
            self.email_verified_at = at

    def change_password(self, new_hash: str, at: datetime) -> None:
        self.password_hash = new_hash
        self.password_changed_at = at
        self.updated_at = at

    def update_profile(
        self, *, full_name: str | None, phone: PhoneNumber | None, organization: str | None, at: datetime
    ) -> dict[str, tuple[object, object]]:
        """Apply the changes given (None = unchanged); returns field -> (before, after)."""
        changes: dict[str, tuple[object, object]] = {}
        if full_name is not None and full_name != self.full_name:
            changes["full_name"] = (self.full_name, full_name)
            self.full_name = full_name
        if phone is not None and phone != self.phone:
            changes["phone"] = (self.phone, phone)
            self.phone = phone
        if organization is not None and organization != self.organization:
            changes["organization"] = (self.organization, organization)
            self.organization = organization
        if changes:
            self.updated_at = at
        return changes

    def lock(self, at: datetime) -> None:
        if self.is_deleted:
            raise Conflict("A deleted account cannot be locked")
        self.status = UserStatus.LOCKED
        self.updated_at = at

    def unlock(self, at: datetime) -> None:
        if self.status is UserStatus.LOCKED:
            self.status = UserStatus.ACTIVE
        self.updated_at = at

    def soft_delete(self, at: datetime) -> None:
        if self.is_deleted:
            raise Conflict("The account is already deleted")
        self.deleted_at = at
        self.status = UserStatus.DELETED
        self.updated_at = at

    def restore(self, at: datetime) -> None:
        if self.status is UserStatus.ERASED:
            raise Conflict("An erased account is never restored")
        if not self.is_deleted:
            raise Conflict("The account is not deleted")
        self.deleted_at = None
        self.status = UserStatus.ACTIVE
        self.updated_at = at

"""Request and response models of the identity API (pydantic v2; unknown fields refused)."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# Long enough for any acceptable password; the policy refuses > PASSWORD_MAX_LENGTH with a
# clear message before any hashing. This bound only stops absurd bodies early.
PASSWORD = Field(min_length=1, max_length=4096)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


# The consent purposes of the compliance context's ledger (compliance/consent/domain/consent.py;
# a unit test keeps the two lists equal). Account processing itself is not consent-based.
ConsentPurpose = Literal["marketing", "analytics", "third_party_sharing"]
CONSENT_PURPOSES: tuple[str, ...] = ("marketing", "analytics", "third_party_sharing")


class RegisterBody(Strict):
    username: str = Field(min_length=3, max_length=32)
    full_name: str = Field(min_length=2, max_length=100)
    email: str = Field(min_length=3, max_length=254)
    password: str = PASSWORD
    phone: str = Field(min_length=5, max_length=32)
    organization: str | None = Field(default=None, max_length=120)
    agreed_terms: Literal[True] = Field(description="Must be true: the user accepted the terms")
    consents: list[ConsentPurpose] = Field(
        default_factory=list,
        max_length=len(CONSENT_PURPOSES),
        description=(
            "Optional purposes the user consents to (marketing, analytics, third_party_sharing), "
            "recorded against the privacy notice in force (GET /api/v1/privacy/notices/current)"
        ),
    )


class TokenBody(Strict):
    token: str = Field(min_length=10, max_length=256)


class LoginBody(Strict):
    email: str | None = Field(default=None, max_length=254)
    username: str | None = Field(default=None, max_length=32)
    password: str = PASSWORD
    device_id: uuid.UUID
    device_name: str | None = Field(default=None, max_length=100)


class MfaVerifyBody(Strict):
    mfa_token: str = Field(min_length=10, max_length=256)
    code: str = Field(min_length=6, max_length=16)


class RefreshBody(Strict):
    refresh_token: str = Field(min_length=10, max_length=4096)


class LogoutBody(Strict):
    all_devices: bool = False


class MfaEnableBody(Strict):
    code: str = Field(min_length=6, max_length=16)
    password: str = PASSWORD


class PasswordBody(Strict):
    password: str = PASSWORD


class MfaDisableBody(Strict):
    password: str = PASSWORD
    code: str = Field(min_length=6, max_length=16)


class ForgotBody(Strict):
    email: str = Field(min_length=3, max_length=254)


class ResetBody(Strict):
    token: str = Field(min_length=10, max_length=256)
    new_password: str = PASSWORD


class ProfileBody(Strict):
    full_name: str | None = Field(default=None, min_length=2, max_length=100)
    phone: str | None = Field(default=None, min_length=5, max_length=32)
    organization: str | None = Field(default=None, max_length=120)
    current_password: str | None = Field(
        default=None, max_length=4096, description="Needed to change the phone"
    )


class ChangePasswordBody(Strict):
    current_password: str = PASSWORD
    new_password: str = PASSWORD


class DevicePath(Strict):
    device_id: uuid.UUID


class UserPath(Strict):
    user_id: uuid.UUID


class UserListQuery(Strict):
    page: int = Field(default=1, ge=1)
    per_page: int = Field(default=20, ge=1, le=100)
    search: str | None = Field(default=None, max_length=100)
    role: str | None = Field(default=None, max_length=64)
    status: Literal["active", "locked", "deleted"] | None = None


class AdminCreateUserBody(Strict):
    username: str = Field(min_length=3, max_length=32)
    full_name: str = Field(min_length=2, max_length=100)
    email: str = Field(min_length=3, max_length=254)
    password: str = PASSWORD
    phone: str | None = Field(default=None, min_length=5, max_length=32)
    organization: str | None = Field(default=None, max_length=120)
    email_verified: bool = False


class AdminUpdateUserBody(Strict):
    full_name: str | None = Field(default=None, min_length=2, max_length=100)
    phone: str | None = Field(default=None, min_length=5, max_length=32)
    organization: str | None = Field(default=None, max_length=120)
    status: Literal["active", "locked"] | None = None


class DeleteUserBody(Strict):
    reason: str | None = Field(default=None, max_length=500)

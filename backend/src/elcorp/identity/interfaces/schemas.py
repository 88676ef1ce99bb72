"""Request and response models of the identity API (pydantic v2). Request models refuse
unknown fields; response models describe exactly the `data` each route sends (the OpenAPI
document and its conformance test read them)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, RootModel, WithJsonSchema

from elcorp.shared.interfaces.pagination import ListQuery

# Long enough for any acceptable password; the policy refuses > PASSWORD_MAX_LENGTH with a
# clear message before any hashing. This bound only stops absurd bodies early.
PASSWORD = Field(min_length=1, max_length=4096)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


def examples(*values: dict[str, Any], optional: bool = False) -> ConfigDict:
    """A request body model's configuration with its examples: in its JSON schema, and as
    the OpenAPI media type's named examples (flask-openapi3 reads `openapi_extra`).
    `optional`: the body may be left out (it then reads as `{}`)."""
    media = {f"example{n}": {"value": value} for n, value in enumerate(values, 1)}
    return ConfigDict(
        extra="forbid",
        str_strip_whitespace=False,
        json_schema_extra={"examples": list(values)},
        openapi_extra={"examples": media, "required": not optional},  # type: ignore[typeddict-unknown-key]
    )


DEVICE_ID_EXAMPLE = "5b2c7a9e-1f4d-4c8e-9a6b-3d2e1f0a9b8c"
PASSWORD_EXAMPLE = "Sossusvlei-Dune-45!"  # noqa: S105  # nosec B105


# The consent purposes of the compliance context's ledger (compliance/consent/domain/consent.py;
# a unit test keeps the two lists equal). Account processing itself is not consent-based.
ConsentPurpose = Literal["marketing", "analytics", "third_party_sharing"]
CONSENT_PURPOSES: tuple[str, ...] = ("marketing", "analytics", "third_party_sharing")


class RegisterBody(Strict):
    model_config = examples(
        {
            "username": "ndapewa",
            "full_name": "Ndapewa Shikongo",
            "email": "ndapewa@example.na",
            "password": PASSWORD_EXAMPLE,
            "phone": "+264811234567",
            "organization": "Elcorp Namibia",
            "agreed_terms": True,
            "consents": ["analytics"],
        }
    )

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


class VerifyEmailBody(Strict):
    model_config = examples({"token": "Qm9vdHN0cmFwLWNvZGUtZnJvbS10aGUtbWFpbA"})  # nosec B105 - an OpenAPI example

    token: str = Field(min_length=10, max_length=256, description="The code from the verification mail")


class ResendVerificationBody(Strict):
    model_config = examples({"email": "ndapewa@example.na"}, {}, optional=True)

    email: str | None = Field(
        default=None,
        min_length=3,
        max_length=254,
        description="The account's address; leave it out when calling with an access token",
    )


class LoginBody(Strict):
    model_config = examples(
        {"email": "ndapewa@example.na", "password": PASSWORD_EXAMPLE, "device_id": DEVICE_ID_EXAMPLE},
        {
            "username": "ndapewa",
            "password": PASSWORD_EXAMPLE,
            "device_id": DEVICE_ID_EXAMPLE,
            "device_name": "Pixel 8",
        },
    )

    email: str | None = Field(default=None, max_length=254)
    username: str | None = Field(default=None, max_length=32)
    password: str = PASSWORD
    device_id: uuid.UUID
    device_name: str | None = Field(default=None, max_length=100)


class MfaVerifyBody(Strict):
    model_config = examples({"mfa_token": "k3Jf9sQ0vX2bLw7pZr4tYc", "code": "492038"})  # nosec B105 - an OpenAPI example

    mfa_token: str = Field(min_length=10, max_length=256)
    code: str = Field(min_length=6, max_length=16)


class RefreshBody(Strict):
    model_config = examples(
        {"refresh_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6InJ0K2p3dCJ9.eyJ0eXBlIjoicmVmcmVzaCJ9.c2ln"},  # nosec B105 - an OpenAPI example
        {},
        optional=True,
    )

    refresh_token: str | None = Field(
        default=None,
        min_length=10,
        max_length=4096,
        description=(
            "Required unless the browser sends its `elcorp_refresh` cookie instead "
            "(with `X-Requested-With: elcorp-dashboard`; docs/SECURITY.md, Browser sessions)"
        ),
    )


class LogoutBody(Strict):
    model_config = examples({}, {"all_devices": True}, optional=True)

    all_devices: bool = Field(
        default=False, description="End every session of the user, not only this device's"
    )


class MfaEnableBody(Strict):
    model_config = examples({"code": "492038", "password": PASSWORD_EXAMPLE})

    code: str = Field(min_length=6, max_length=16)
    password: str = PASSWORD


class BackupCodesBody(Strict):
    model_config = examples({"password": PASSWORD_EXAMPLE})

    password: str = PASSWORD


class MfaDisableBody(Strict):
    model_config = examples({"password": PASSWORD_EXAMPLE, "code": "492038"})

    password: str = PASSWORD
    code: str = Field(min_length=6, max_length=16)


class ForgotPasswordBody(Strict):
    model_config = examples({"email": "ndapewa@example.na"})

    email: str = Field(min_length=3, max_length=254)


class ResetPasswordBody(Strict):
    model_config = examples(
        {"token": "UmVzZXQtY29kZS1mcm9tLXRoZS1tYWls", "new_password": "Etosha#Pan-Flamingo-77"}  # nosec B105 - an OpenAPI example
    )

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
    model_config = examples({"current_password": PASSWORD_EXAMPLE, "new_password": "Etosha#Pan-Flamingo-77"})  # nosec B105 - an OpenAPI example

    current_password: str = PASSWORD
    new_password: str = PASSWORD


class DevicePath(Strict):
    device_id: uuid.UUID


class UserPath(Strict):
    user_id: uuid.UUID


class UserDevicePath(Strict):
    user_id: uuid.UUID
    device_id: uuid.UUID


class DeviceListQuery(ListQuery):
    """Only the list parameters (cursor, limit; page/per_page as aliases)."""


class UserListQuery(ListQuery):
    q: str | None = Field(
        default=None,
        max_length=100,
        validation_alias=AliasChoices("q", "search"),
        description="Part of the full name, email or username, any case (`search` is an alias)",
    )
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


class DeleteUserQuery(Strict):
    reason: str | None = Field(default=None, max_length=500, description="Kept in the audit log")


# -- responses: what `data` holds ----------------------------------------------------------------
# ISO 8601 in UTC with Z and milliseconds (isoformat_z).
Timestamp = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]


class User(BaseModel):
    """An account as registration, /me and /users show it."""

    id: uuid.UUID
    username: str
    email: str
    full_name: str
    phone: str | None = Field(description="E.164")
    organization: str | None
    roles: list[str] = Field(description="Role names, sorted")
    status: Literal["active", "locked", "deleted", "erased"]
    mfa_enabled: bool
    email_verified: bool
    wallet_address: uuid.UUID
    created_at: Timestamp
    deleted_at: Timestamp | None = Field(description="Null unless the account is deleted")


class Device(BaseModel):
    """A signed-in device (one refresh-token family)."""

    device_id: uuid.UUID
    device_name: str | None
    user_agent: str | None = Field(description="Of the latest sign-in or refresh")
    ip_address: str | None = Field(description="Of the latest sign-in or refresh")
    created_at: Timestamp = Field(description="First sign-in on this device")
    last_used_at: Timestamp
    expires_at: Timestamp = Field(description="End of the token family")
    current: bool = Field(description="True for the caller's own device")


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str | None = Field(
        default=None,
        description="Absent for browser sessions (`X-Client: web`): the token is then the HttpOnly cookie",
    )
    token_type: Literal["Bearer"]
    expires_in: int = Field(description="Seconds the access token lives")
    session_expires_at: Timestamp | None = Field(
        default=None,
        description=(
            "Browser sessions (`X-Client: web`) only: when the session ends whatever its activity, "
            "the refresh token family's absolute limit (REFRESH_TOKEN_TTL_SECONDS after the sign-in; "
            "refreshing never extends it). The page cannot read the cookie, so it warns before this "
            "instant and signs in again after it"
        ),
    )


class MfaChallenge(BaseModel):
    """The account has MFA: send `mfa_token` and a code to POST /auth/mfa/verify."""

    mfa_required: Literal[True]
    mfa_token: str


class SignInResult(RootModel[TokenPair | MfaChallenge]):
    """A token pair, or the MFA challenge when the account has MFA enabled."""


class EmailVerified(BaseModel):
    email_verified: Literal[True]


class MailRequested(BaseModel):
    """The same answer whether or not an account has the address (no account enumeration)."""

    message: str


class PasswordReset(BaseModel):
    password_reset: Literal[True]


class SignedOut(BaseModel):
    logged_out: Literal[True]
    all_devices: bool


class MfaSetup(BaseModel):
    secret: str = Field(description="Base32 TOTP secret")
    otpauth_uri: str
    qr_svg: str = Field(description="An SVG QR code of `otpauth_uri`")


class MfaEnabled(BaseModel):
    mfa_enabled: Literal[True]
    backup_codes: list[str] = Field(description="10 single-use codes, shown this once")


class MfaDisabled(BaseModel):
    mfa_enabled: Literal[False]


class BackupCodes(BaseModel):
    backup_codes: list[str] = Field(description="10 new single-use codes; the old ones stop working")


class PasswordChanged(BaseModel):
    password_changed: Literal[True]
    other_devices_signed_out: Literal[True]


class SessionPermissions(BaseModel):
    """What the caller's session may do: the grants the API authorises this session with."""

    roles: list[str] = Field(description="Role names, sorted (without MFA: at most `user`)")
    permissions: list[str] = Field(description="`resource:action` names this session may use, sorted")
    scopes: dict[str, Literal["own", "organization", "all"]] = Field(
        description="The widest scope held for each permission"
    )
    withheld: list[str] = Field(
        description=(
            "Held by the user's roles but refused to this session until it signs in with MFA "
            "(AUTH_006); not in `permissions`"
        )
    )
    mfa: bool = Field(description="This session passed a second factor")

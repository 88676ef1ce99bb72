"""Identity's domain errors, each with its documented code."""

from __future__ import annotations

from elcorp.shared.domain.errors import (
    AuthenticationFailed,
    Conflict,
    DomainError,
    ErrorCode,
    ValidationFailed,
)


class InvalidCredentials(AuthenticationFailed):
    """Unknown user, wrong password or locked account: one answer for all three, so the
    response never tells an attacker which accounts exist."""

    code = ErrorCode.AUTH_INVALID_CREDENTIALS
    default_message = "The email/username or password is incorrect, or the account is locked"


class TokenExpired(AuthenticationFailed):
    code = ErrorCode.AUTH_EXPIRED_TOKEN
    default_message = "The token has expired"


class TokenInvalid(AuthenticationFailed):
    code = ErrorCode.AUTH_INVALID_TOKEN
    default_message = "The token is invalid or has been revoked"


class RefreshTokenReused(AuthenticationFailed):
    """A spent refresh token came back: it was probably stolen. The device's sessions end."""

    code = ErrorCode.AUTH_TOKEN_REUSED
    default_message = "This refresh token was already used; the device has been signed out"


class InvalidMfaCode(AuthenticationFailed):
    code = ErrorCode.AUTH_INVALID_MFA_CODE
    default_message = "The verification code is incorrect or was already used"


class MfaEnrolmentRequired(DomainError):
    code = ErrorCode.AUTH_MFA_ENROLMENT_REQUIRED
    status = 403
    default_message = "Your role requires two-factor authentication: enrol at POST /api/v1/auth/mfa/setup"


class MfaAlreadyEnabled(Conflict):
    code = ErrorCode.AUTH_MFA_ALREADY_ENABLED
    default_message = "Two-factor authentication is already enabled"


class MfaNotEnabled(Conflict):
    code = ErrorCode.AUTH_MFA_NOT_ENABLED
    default_message = "Two-factor authentication is not enabled"


class InvalidLinkToken(DomainError):
    """An emailed code (email verification or password reset) that cannot be spent. The
    message names the route that mails a new one."""

    code = ErrorCode.AUTH_INVALID_LINK
    status = 400
    default_message = (
        "This code is invalid, expired or already used; request a new one "
        "(POST /api/v1/auth/verification/resend or POST /api/v1/auth/password/forgot)"
    )

    @classmethod
    def for_verification(cls) -> InvalidLinkToken:
        return cls(
            "This verification code is invalid, expired or already used; "
            "request a new one with POST /api/v1/auth/verification/resend"
        )

    @classmethod
    def for_reset(cls) -> InvalidLinkToken:
        return cls(
            "This reset code is invalid, expired or already used; "
            "request a new one with POST /api/v1/auth/password/forgot"
        )


class WeakPassword(ValidationFailed):
    code = ErrorCode.WEAK_PASSWORD
    default_message = "The password does not meet the password policy"


class PasswordReused(ValidationFailed):
    code = ErrorCode.PASSWORD_REUSED
    default_message = "Choose a password you have not used recently"


class LoginThrottled(DomainError):
    code = ErrorCode.LOGIN_THROTTLED
    status = 429
    default_message = "Too many failed sign-in attempts from this network; try again later"

    def __init__(self, retry_after: int) -> None:
        super().__init__()
        self.retry_after = retry_after


class BrowserSessionRefused(DomainError):
    """A request that sets or reads the browser's refresh cookie without the dashboard's
    CSRF header, or from an origin the API does not serve (docs/SECURITY.md "Browser
    sessions")."""

    code = "CSRF_001"
    status = 403
    default_message = (
        "Browser session request refused: send X-Requested-With: elcorp-dashboard from the served origin"
    )

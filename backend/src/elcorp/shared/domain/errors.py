"""The platform's error vocabulary: stable codes for clients, domain exceptions for code.

Codes are the client's (AUTH_00x, VAL_001, RES_00x, ACC_001, SRV_001) plus new ones in the
same style. The kernel's own codes are the `ErrorCode` enum; a context's codes live on its
exception classes (`class RiskRatingInvalid(ValidationFailed): code = "RSK_001"`), each
with its HTTP status (`status`, inherited from the kind of failure unless the class says
otherwise), so adding a feature never edits this file. Every class registers its code
here when it is defined: one code, one status, one meaning (`error_catalogue()`), and each
code is documented in docs/API.md (a test keeps the two in step).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar


class ErrorCode(StrEnum):
    """Stable, documented error codes. Never rename or reuse one: clients branch on them."""

    AUTH_INVALID_CREDENTIALS = "AUTH_001"
    AUTH_EXPIRED_TOKEN = "AUTH_002"  # noqa: S105  # nosec B105
    AUTH_INVALID_TOKEN = "AUTH_003"  # noqa: S105  # nosec B105
    AUTH_MISSING_TOKEN = "AUTH_004"  # noqa: S105  # nosec B105
    AUTH_INVALID_MFA_CODE = "AUTH_005"
    AUTH_MFA_ENROLMENT_REQUIRED = "AUTH_006"
    AUTH_TOKEN_REUSED = "AUTH_007"  # noqa: S105  # nosec B105
    AUTH_INVALID_LINK = "AUTH_008"
    AUTH_MFA_ALREADY_ENABLED = "AUTH_009"
    AUTH_MFA_NOT_ENABLED = "AUTH_010"

    VALIDATION_ERROR = "VAL_001"
    MALFORMED_JSON = "VAL_002"
    UNSUPPORTED_MEDIA_TYPE = "VAL_003"
    INVALID_MONEY = "VAL_004"
    INVALID_EMAIL = "VAL_005"
    INVALID_PHONE = "VAL_006"
    WEAK_PASSWORD = "VAL_007"  # noqa: S105  # nosec B105
    PASSWORD_REUSED = "VAL_008"  # noqa: S105  # nosec B105

    RESOURCE_NOT_FOUND = "RES_001"
    RESOURCE_ALREADY_EXISTS = "RES_002"
    METHOD_NOT_ALLOWED = "RES_003"
    REQUEST_TOO_LARGE = "RES_004"
    CONFLICT = "RES_005"

    ACCESS_DENIED = "ACC_001"

    RATE_LIMITED = "RATE_001"
    LOGIN_THROTTLED = "RATE_002"

    INTERNAL_SERVER_ERROR = "SRV_001"
    SERVICE_UNAVAILABLE = "SRV_002"


_CATALOGUE: dict[str, int] = {}


def _register(code: str, status: int, where: str) -> None:
    known = _CATALOGUE.setdefault(code, status)
    if known != status:
        raise TypeError(f"{where}: error code {code} is already answered with HTTP {known}, not {status}")


def error_catalogue() -> dict[str, int]:
    """Every error code raised through an exception class defined so far, with its HTTP
    status (import the contexts first to have them all)."""
    return dict(_CATALOGUE)


class DomainError(Exception):
    """Base of every expected, client-facing failure. Carries a stable code, the HTTP status
    it is answered with, and a safe message."""

    code: ClassVar[str] = ErrorCode.VALIDATION_ERROR
    status: ClassVar[int] = 422  # the status of its default code, VAL_001
    default_message: str = "The request could not be processed"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _register(str(cls.code), cls.status, cls.__qualname__)

    def __init__(self, message: str | None = None, *, details: Any = None) -> None:
        self.message = message or self.default_message
        self.details = details
        super().__init__(self.message)


class ValidationFailed(DomainError):
    """Input broke a business rule. `details` lists {field, message} items."""

    code: ClassVar[str] = ErrorCode.VALIDATION_ERROR
    status = 422
    default_message = "Validation failed"


class InvalidMoney(ValidationFailed):
    code: ClassVar[str] = ErrorCode.INVALID_MONEY
    default_message = "Invalid monetary amount"


class InvalidEmail(ValidationFailed):
    code: ClassVar[str] = ErrorCode.INVALID_EMAIL
    default_message = "Invalid email address"


class InvalidPhoneNumber(ValidationFailed):
    code: ClassVar[str] = ErrorCode.INVALID_PHONE
    default_message = "Invalid phone number"


class NotFound(DomainError):
    code: ClassVar[str] = ErrorCode.RESOURCE_NOT_FOUND
    status = 404
    default_message = "Resource not found"


class AlreadyExists(DomainError):
    code: ClassVar[str] = ErrorCode.RESOURCE_ALREADY_EXISTS
    status = 409
    default_message = "Resource already exists"


class Conflict(DomainError):
    """The request is valid but clashes with the current state of the resource."""

    code: ClassVar[str] = ErrorCode.CONFLICT
    status = 409
    default_message = "The resource is in a state that does not allow this action"


class AccessDenied(DomainError):
    code: ClassVar[str] = ErrorCode.ACCESS_DENIED
    status = 403
    default_message = "Access denied"


class AuthenticationFailed(DomainError):
    """The caller is not who they claim, or their token is no longer good."""

    code: ClassVar[str] = ErrorCode.AUTH_INVALID_TOKEN
    status = 401
    default_message = "Authentication failed"


class MissingToken(AuthenticationFailed):
    code: ClassVar[str] = ErrorCode.AUTH_MISSING_TOKEN
    default_message = "Send an access token in the Authorization header: Bearer <token>"


class ServiceUnavailable(DomainError):
    """A dependency needed to answer safely is down (e.g. the token denylist): fail closed."""

    code: ClassVar[str] = ErrorCode.SERVICE_UNAVAILABLE
    status = 503
    default_message = "The service is temporarily unavailable; try again shortly"

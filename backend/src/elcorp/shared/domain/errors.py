"""The platform's error vocabulary: stable codes for clients, domain exceptions for code.

Codes are the client's (AUTH_00x, VAL_001, RES_00x, ACC_001, SRV_001) plus new ones in the
same style. Each code is documented in docs/API.md (a test keeps the two in step). One
place, `elcorp.shared.interfaces.errors`, maps them to HTTP statuses.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


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

    INSUFFICIENT_FUNDS = "PAY_001"
    CURRENCY_MISMATCH = "PAY_002"
    ACCOUNT_NOT_ACTIVE = "PAY_003"
    IDEMPOTENCY_KEY_REQUIRED = "PAY_004"
    IDEMPOTENCY_KEY_REUSED = "PAY_005"
    IDEMPOTENCY_KEY_IN_PROGRESS = "PAY_006"
    SAME_ACCOUNT = "PAY_007"
    REVERSAL_EXCEEDS_ORIGINAL = "PAY_008"
    OWN_WALLET_MOVEMENT = "PAY_009"
    DUPLICATE_EXTERNAL_REFERENCE = "PAY_010"

    VIN_LENGTH_INVALID = "VEH_001"
    VIN_CHARACTER_INVALID = "VEH_002"
    VIN_CHECK_DIGIT_MISMATCH = "VEH_003"
    CHASSIS_NUMBER_INVALID = "VEH_004"
    VEHICLE_ALREADY_REGISTERED = "VEH_005"
    VEHICLE_TRANSFER_OPEN = "VEH_006"
    VEHICLE_TRANSFER_NOT_OPEN = "VEH_007"
    VEHICLE_ALREADY_OWNED = "VEH_008"
    VEHICLE_RECIPIENT_NOT_ACTIVE = "VEH_009"

    INVOICE_LINE_INVALID = "INV_001"
    INVOICE_STATE_CONFLICT = "INV_002"
    CREDIT_EXCEEDS_INVOICE = "INV_003"
    ISSUER_NOT_VAT_REGISTERED = "INV_004"
    INVOICE_PAYMENT_PENDING = "INV_005"
    INVOICE_NOTHING_DUE = "INV_006"
    INVOICE_PAYMENT_KEY_SPENT = "INV_007"

    STATEMENT_MALFORMED = "REC_001"
    STATEMENT_FILE_MISSING = "REC_002"
    STATEMENT_FILE_TYPE = "REC_003"
    STATEMENT_FILE_ENCODING = "REC_004"
    STATEMENT_FILE_TOO_LARGE = "REC_005"
    STATEMENT_PERIOD_TOO_LONG = "REC_006"

    SETTLEMENT_DAY_NOT_OVER = "SET_001"
    SETTLEMENT_CURRENCY_UNKNOWN = "SET_002"

    PRIVACY_CATEGORY_UNDECLARED = "PRV_001"
    PRIVACY_ACTIVITY_NAME_TAKEN = "PRV_002"
    PRIVACY_TRANSFER_INVALID = "PRV_003"

    DSR_INVALID_TRANSITION = "DSR_001"
    DSR_IDENTITY_NOT_VERIFIED = "DSR_002"
    DSR_EXTENSION_NOT_ALLOWED = "DSR_003"
    DSR_BUNDLE_NOT_READY = "DSR_004"
    DSR_CORRECTION_INVALID = "DSR_005"
    DSR_ASSIGNEE_NOT_ELIGIBLE = "DSR_006"
    DSR_ALREADY_OPEN = "DSR_007"

    CONSENT_PURPOSE_UNKNOWN = "CON_001"
    CONSENT_NO_NOTICE = "CON_002"
    CONSENT_NOTICE_STALE = "CON_003"
    NOTICE_INCOMPLETE = "CON_004"
    CONSENT_CHANNEL_UNKNOWN = "CON_005"

    INC_INVALID_TRANSITION = "INC_001"
    INC_RESOLUTION_INCOMPLETE = "INC_002"
    INC_CLOSED = "INC_003"
    INC_PRIORITY_OUT_OF_RANGE = "INC_004"
    INC_OWNER_NOT_ELIGIBLE = "INC_005"
    INC_BREACH_ALREADY_RECORDED = "INC_006"
    INC_BREACH_NOT_RECORDED = "INC_007"
    INC_NOTIFICATION_TIME_INVALID = "INC_008"
    INC_NOTIFICATION_INCOMPLETE = "INC_009"

    LEGAL_HOLD_TARGET_INVALID = "RET_001"
    LEGAL_HOLD_ALREADY_RELEASED = "RET_002"
    RETENTION_BELOW_LEGAL_MINIMUM = "RET_003"

    REPORT_TYPE_UNKNOWN = "RPT_001"
    REPORT_PERIOD_INVALID = "RPT_002"
    REPORT_PERIOD_NOT_OVER = "RPT_003"
    REPORT_SOURCE_UNAVAILABLE = "RPT_004"

    SLA_POLICY_INVALID = "SLA_001"
    SLA_POLICY_EXISTS = "SLA_002"
    SLA_CASE_NOT_TRACKED = "SLA_003"
    SLA_PERIOD_INVALID = "SLA_004"
    SLA_PAUSE_NOT_ALLOWED = "SLA_005"
    SLA_POLICY_NOT_FOUND = "SLA_006"

    RISK_RATING_INVALID = "RSK_001"
    RISK_RESIDUAL_ABOVE_INHERENT = "RSK_002"
    RISK_OWNER_NOT_ELIGIBLE = "RSK_003"
    RISK_CONTROL_UNKNOWN = "RSK_004"
    RISK_INCIDENT_UNKNOWN = "RSK_005"
    RISK_INVALID_TRANSITION = "RSK_006"
    RISK_TREATMENT_INCOMPLETE = "RSK_007"
    RISK_CONTROL_NAME_TAKEN = "RSK_008"

    SERVICE_REQUEST_ASSIGNEE_NOT_ELIGIBLE = "GOV_001"
    SERVICE_REQUEST_TEAM_OUTSIDE_ORGANIZATION = "GOV_002"
    SERVICE_REQUEST_TEAM_NOT_ELIGIBLE = "GOV_003"
    ORGANIZATION_INVITATION_PENDING = "GOV_004"
    ORGANIZATION_INVITATION_NOT_PENDING = "GOV_005"
    ORGANIZATION_INVITATION_EXPIRED = "GOV_006"
    ORGANIZATION_MEMBERSHIP_EXISTS = "GOV_007"
    ORGANIZATION_INVITATION_REQUIRED = "GOV_008"

    RATE_LIMITED = "RATE_001"
    LOGIN_THROTTLED = "RATE_002"

    INTERNAL_SERVER_ERROR = "SRV_001"
    SERVICE_UNAVAILABLE = "SRV_002"


class DomainError(Exception):
    """Base of every expected, client-facing failure. Carries a stable code and safe message."""

    code: ErrorCode = ErrorCode.VALIDATION_ERROR
    default_message: str = "The request could not be processed"

    def __init__(self, message: str | None = None, *, details: Any = None) -> None:
        self.message = message or self.default_message
        self.details = details
        super().__init__(self.message)


class ValidationFailed(DomainError):
    """Input broke a business rule. `details` lists {field, message} items."""

    code = ErrorCode.VALIDATION_ERROR
    default_message = "Validation failed"


class InvalidMoney(ValidationFailed):
    code = ErrorCode.INVALID_MONEY
    default_message = "Invalid monetary amount"


class InvalidEmail(ValidationFailed):
    code = ErrorCode.INVALID_EMAIL
    default_message = "Invalid email address"


class InvalidPhoneNumber(ValidationFailed):
    code = ErrorCode.INVALID_PHONE
    default_message = "Invalid phone number"


class NotFound(DomainError):
    code = ErrorCode.RESOURCE_NOT_FOUND
    default_message = "Resource not found"


class AlreadyExists(DomainError):
    code = ErrorCode.RESOURCE_ALREADY_EXISTS
    default_message = "Resource already exists"


class Conflict(DomainError):
    """The request is valid but clashes with the current state of the resource."""

    code = ErrorCode.CONFLICT
    default_message = "The resource is in a state that does not allow this action"


class AccessDenied(DomainError):
    code = ErrorCode.ACCESS_DENIED
    default_message = "Access denied"


class AuthenticationFailed(DomainError):
    """The caller is not who they claim, or their token is no longer good."""

    code = ErrorCode.AUTH_INVALID_TOKEN
    default_message = "Authentication failed"


class MissingToken(AuthenticationFailed):
    code = ErrorCode.AUTH_MISSING_TOKEN
    default_message = "Send an access token in the Authorization header: Bearer <token>"


class ServiceUnavailable(DomainError):
    """A dependency needed to answer safely is down (e.g. the token denylist): fail closed."""

    code = ErrorCode.SERVICE_UNAVAILABLE
    default_message = "The service is temporarily unavailable; try again shortly"

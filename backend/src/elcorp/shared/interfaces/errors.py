"""One place maps every failure to the envelope: domain errors, HTTP errors, crashes.

No path returns HTML, a stack trace or SQL: unknown exceptions become SRV_001 with the
request id, and the traceback goes to the log only.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

import psycopg2
from flask import Flask, Response
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from elcorp.shared.domain.errors import DomainError, ErrorCode, ServiceUnavailable, ValidationFailed
from elcorp.shared.interfaces import envelope

logger = logging.getLogger("elcorp.errors")

# HTTP status for each code; codes not listed here are 400.
HTTP_STATUS: dict[ErrorCode, int] = {
    ErrorCode.AUTH_INVALID_CREDENTIALS: 401,
    ErrorCode.AUTH_EXPIRED_TOKEN: 401,
    ErrorCode.AUTH_INVALID_TOKEN: 401,
    ErrorCode.AUTH_MISSING_TOKEN: 401,
    ErrorCode.AUTH_INVALID_MFA_CODE: 401,
    ErrorCode.AUTH_MFA_ENROLMENT_REQUIRED: 403,
    ErrorCode.AUTH_TOKEN_REUSED: 401,
    ErrorCode.AUTH_INVALID_LINK: 400,
    ErrorCode.AUTH_MFA_ALREADY_ENABLED: 409,
    ErrorCode.AUTH_MFA_NOT_ENABLED: 409,
    ErrorCode.VALIDATION_ERROR: 422,
    ErrorCode.MALFORMED_JSON: 400,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: 415,
    ErrorCode.INVALID_MONEY: 422,
    ErrorCode.INVALID_EMAIL: 422,
    ErrorCode.INVALID_PHONE: 422,
    ErrorCode.WEAK_PASSWORD: 422,
    ErrorCode.PASSWORD_REUSED: 422,
    ErrorCode.RESOURCE_NOT_FOUND: 404,
    ErrorCode.RESOURCE_ALREADY_EXISTS: 409,
    ErrorCode.METHOD_NOT_ALLOWED: 405,
    ErrorCode.REQUEST_TOO_LARGE: 413,
    ErrorCode.CONFLICT: 409,
    ErrorCode.ACCESS_DENIED: 403,
    ErrorCode.INSUFFICIENT_FUNDS: 422,
    ErrorCode.CURRENCY_MISMATCH: 422,
    ErrorCode.ACCOUNT_NOT_ACTIVE: 422,
    ErrorCode.IDEMPOTENCY_KEY_REQUIRED: 400,
    ErrorCode.IDEMPOTENCY_KEY_REUSED: 422,
    ErrorCode.IDEMPOTENCY_KEY_IN_PROGRESS: 409,
    ErrorCode.SAME_ACCOUNT: 422,
    ErrorCode.REVERSAL_EXCEEDS_ORIGINAL: 422,
    ErrorCode.OWN_WALLET_MOVEMENT: 403,
    ErrorCode.DUPLICATE_EXTERNAL_REFERENCE: 409,
    ErrorCode.VIN_LENGTH_INVALID: 422,
    ErrorCode.VIN_CHARACTER_INVALID: 422,
    ErrorCode.VIN_CHECK_DIGIT_MISMATCH: 422,
    ErrorCode.CHASSIS_NUMBER_INVALID: 422,
    ErrorCode.VEHICLE_ALREADY_REGISTERED: 409,
    ErrorCode.VEHICLE_TRANSFER_OPEN: 409,
    ErrorCode.VEHICLE_TRANSFER_NOT_OPEN: 409,
    ErrorCode.VEHICLE_ALREADY_OWNED: 422,
    ErrorCode.VEHICLE_RECIPIENT_NOT_ACTIVE: 422,
    ErrorCode.INVOICE_LINE_INVALID: 422,
    ErrorCode.INVOICE_STATE_CONFLICT: 409,
    ErrorCode.CREDIT_EXCEEDS_INVOICE: 422,
    ErrorCode.ISSUER_NOT_VAT_REGISTERED: 409,
    ErrorCode.INVOICE_PAYMENT_PENDING: 409,
    ErrorCode.INVOICE_NOTHING_DUE: 409,
    ErrorCode.INVOICE_PAYMENT_KEY_SPENT: 409,
    ErrorCode.STATEMENT_MALFORMED: 422,
    ErrorCode.STATEMENT_FILE_MISSING: 400,
    ErrorCode.STATEMENT_FILE_TYPE: 415,
    ErrorCode.STATEMENT_FILE_ENCODING: 422,
    ErrorCode.STATEMENT_FILE_TOO_LARGE: 413,
    ErrorCode.STATEMENT_PERIOD_TOO_LONG: 422,
    ErrorCode.SETTLEMENT_DAY_NOT_OVER: 422,
    ErrorCode.SETTLEMENT_CURRENCY_UNKNOWN: 422,
    ErrorCode.PRIVACY_CATEGORY_UNDECLARED: 422,
    ErrorCode.PRIVACY_ACTIVITY_NAME_TAKEN: 409,
    ErrorCode.PRIVACY_TRANSFER_INVALID: 422,
    ErrorCode.DSR_INVALID_TRANSITION: 409,
    ErrorCode.DSR_IDENTITY_NOT_VERIFIED: 409,
    ErrorCode.DSR_EXTENSION_NOT_ALLOWED: 409,
    ErrorCode.DSR_BUNDLE_NOT_READY: 409,
    ErrorCode.DSR_CORRECTION_INVALID: 422,
    ErrorCode.DSR_ASSIGNEE_NOT_ELIGIBLE: 422,
    ErrorCode.DSR_ALREADY_OPEN: 409,
    ErrorCode.CONSENT_PURPOSE_UNKNOWN: 422,
    ErrorCode.CONSENT_NO_NOTICE: 409,
    ErrorCode.CONSENT_NOTICE_STALE: 409,
    ErrorCode.NOTICE_INCOMPLETE: 422,
    ErrorCode.CONSENT_CHANNEL_UNKNOWN: 422,
    ErrorCode.INC_INVALID_TRANSITION: 409,
    ErrorCode.INC_RESOLUTION_INCOMPLETE: 422,
    ErrorCode.INC_CLOSED: 409,
    ErrorCode.INC_PRIORITY_OUT_OF_RANGE: 422,
    ErrorCode.INC_OWNER_NOT_ELIGIBLE: 422,
    ErrorCode.INC_BREACH_ALREADY_RECORDED: 409,
    ErrorCode.INC_BREACH_NOT_RECORDED: 404,
    ErrorCode.INC_NOTIFICATION_TIME_INVALID: 422,
    ErrorCode.INC_NOTIFICATION_INCOMPLETE: 422,
    ErrorCode.LEGAL_HOLD_TARGET_INVALID: 422,
    ErrorCode.LEGAL_HOLD_ALREADY_RELEASED: 409,
    ErrorCode.RETENTION_BELOW_LEGAL_MINIMUM: 422,
    ErrorCode.REPORT_TYPE_UNKNOWN: 404,
    ErrorCode.REPORT_PERIOD_INVALID: 422,
    ErrorCode.REPORT_PERIOD_NOT_OVER: 422,
    ErrorCode.REPORT_SOURCE_UNAVAILABLE: 409,
    ErrorCode.SLA_POLICY_INVALID: 422,
    ErrorCode.SLA_POLICY_EXISTS: 409,
    ErrorCode.SLA_CASE_NOT_TRACKED: 404,
    ErrorCode.SLA_PERIOD_INVALID: 422,
    ErrorCode.SLA_PAUSE_NOT_ALLOWED: 409,
    ErrorCode.SLA_POLICY_NOT_FOUND: 404,
    ErrorCode.RISK_RATING_INVALID: 422,
    ErrorCode.RISK_RESIDUAL_ABOVE_INHERENT: 422,
    ErrorCode.RISK_OWNER_NOT_ELIGIBLE: 422,
    ErrorCode.RISK_CONTROL_UNKNOWN: 422,
    ErrorCode.RISK_INCIDENT_UNKNOWN: 422,
    ErrorCode.RISK_INVALID_TRANSITION: 409,
    ErrorCode.RISK_TREATMENT_INCOMPLETE: 422,
    ErrorCode.RISK_CONTROL_NAME_TAKEN: 409,
    ErrorCode.SERVICE_REQUEST_ASSIGNEE_NOT_ELIGIBLE: 422,
    ErrorCode.SERVICE_REQUEST_TEAM_OUTSIDE_ORGANIZATION: 422,
    ErrorCode.SERVICE_REQUEST_TEAM_NOT_ELIGIBLE: 422,
    ErrorCode.ORGANIZATION_INVITATION_PENDING: 409,
    ErrorCode.ORGANIZATION_INVITATION_NOT_PENDING: 409,
    ErrorCode.ORGANIZATION_INVITATION_EXPIRED: 409,
    ErrorCode.ORGANIZATION_MEMBERSHIP_EXISTS: 409,
    ErrorCode.ORGANIZATION_INVITATION_REQUIRED: 403,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.LOGIN_THROTTLED: 429,
    ErrorCode.INTERNAL_SERVER_ERROR: 500,
    ErrorCode.SERVICE_UNAVAILABLE: 503,
}

# Werkzeug HTTP errors raised by routing or the server itself.
_HTTP_ERRORS: dict[int, tuple[ErrorCode, str]] = {
    400: (ErrorCode.MALFORMED_JSON, "The request body could not be read"),
    401: (ErrorCode.AUTH_MISSING_TOKEN, "Authentication is required"),
    403: (ErrorCode.ACCESS_DENIED, "Access denied"),
    404: (ErrorCode.RESOURCE_NOT_FOUND, "No resource at this URL"),
    405: (ErrorCode.METHOD_NOT_ALLOWED, "This method is not allowed on this URL"),
    413: (ErrorCode.REQUEST_TOO_LARGE, "The request body is larger than the server accepts"),
    415: (ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Request bodies must be application/json"),
    503: (ErrorCode.SERVICE_UNAVAILABLE, "The service is temporarily unavailable"),
}


def status_for(code: ErrorCode) -> int:
    return HTTP_STATUS.get(code, 400)


def pydantic_details(exc: ValidationError) -> list[dict[str, str]]:
    """{field, message} items; values the client sent are never echoed back."""
    items = []
    for err in exc.errors(include_url=False, include_input=False):
        field = ".".join(str(part) for part in err.get("loc", ())) or "body"
        items.append({"field": field, "message": str(err.get("msg", "invalid value"))})
    return items


def validation_error_response(exc: ValidationError) -> Response:
    """flask-openapi3's hook: request models that fail validation answer 422 in our envelope."""
    return envelope.validation_error(pydantic_details(exc))


def handle_domain_error(exc: DomainError) -> Response:
    if isinstance(exc, ValidationFailed):
        details: Any = exc.details or [{"field": "body", "message": exc.message}]
        return envelope.error(
            exc.code,
            exc.message,
            status=status_for(exc.code),
            details=details,
            envelope_status="validation_error",
        )
    response = envelope.error(exc.code, exc.message, status=status_for(exc.code), details=exc.details)
    retry_after = getattr(exc, "retry_after", None)
    if retry_after:
        response.headers["Retry-After"] = str(int(retry_after))
    return response


def handle_http_exception(exc: HTTPException) -> Response:
    status = exc.code or 500
    if status >= 500 and status != 503:
        return handle_unexpected(exc)
    code, message = _HTTP_ERRORS.get(status, (ErrorCode.VALIDATION_ERROR, exc.name))
    response = envelope.error(code, message, status=status)
    if status == 405 and exc.valid_methods:  # type: ignore[attr-defined]
        response.headers["Allow"] = ", ".join(sorted(exc.valid_methods))  # type: ignore[attr-defined]
    return response


def handle_database_error(exc: DBAPIError) -> Response:
    """The database cannot answer now: a connection found broken (restart, failover,
    network cut; SQLAlchemy has invalidated the pool and the next request reconnects),
    none to be had, or a statement cancelled (timeout) or rolled back by a serialization
    failure. The request is told to retry; a money movement is retried safely under its
    Idempotency-Key. Any other database error is a bug: 500."""
    if not (exc.connection_invalidated or isinstance(exc.orig, psycopg2.OperationalError)):
        return handle_unexpected(exc)
    logger.warning("database unavailable: %s", type(exc.orig).__name__)
    return handle_domain_error(ServiceUnavailable())


def handle_unexpected(exc: BaseException) -> Response:
    if isinstance(exc, DBAPIError):
        _log_database_bug(exc)
    else:
        logger.exception("unhandled exception", exc_info=exc)
    return envelope.error(
        ErrorCode.INTERNAL_SERVER_ERROR,
        "An internal error occurred; quote the request id when reporting it",
        status=500,
    )


def _log_database_bug(exc: DBAPIError) -> None:
    """The engine hides bound parameters (`hide_parameters`), but PostgreSQL's own message
    quotes the values it refused (`DETAIL: Key (email)=(...)`, `Failing row contains
    (...)`). So the log names the SQLSTATE, the table, column and constraint, the SQL text and
    the stack, never the message or the exception chain that repeats it."""
    diag = getattr(exc.orig, "diag", None)
    logger.error(
        "unhandled database error %s (SQLSTATE %s; table %s, column %s, constraint %s)\nSQL: %s\n%s",
        type(exc.orig).__name__,
        getattr(exc.orig, "pgcode", None),
        getattr(diag, "table_name", None),
        getattr(diag, "column_name", None),
        getattr(diag, "constraint_name", None),
        exc.statement,
        "".join(traceback.format_tb(exc.__traceback__)).rstrip(),
    )


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(ValidationError, validation_error_response)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(DBAPIError, handle_database_error)
    app.register_error_handler(Exception, handle_unexpected)

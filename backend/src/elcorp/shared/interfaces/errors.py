"""One place maps every failure to the envelope: domain errors, HTTP errors, crashes.

No path returns HTML, a stack trace or SQL: unknown exceptions become SRV_001 with the
request id, and the traceback goes to the log only.
"""

from __future__ import annotations

import logging
import re
import traceback
from typing import Any

import psycopg2
from flask import Flask, Response, request
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from elcorp.shared.domain.errors import DomainError, ErrorCode, ServiceUnavailable, ValidationFailed
from elcorp.shared.interfaces import envelope

logger = logging.getLogger("elcorp.errors")

# HTTP status of each of the kernel's codes (ErrorCode), for the answers built here without an
# exception class; an exception answers with its class's `status` (shared/domain/errors.py).
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


# pydantic names the model class in some messages ("... or instance of LogoutBody"): the
# client never sees an internal class name.
_CLASS_NAME = re.compile(r" or instance of \w+")
_MESSAGES = {"extra_forbidden": "Unknown field or parameter: not accepted here"}


def pydantic_details(exc: ValidationError) -> list[dict[str, Any]]:
    """{field, message} items; values the client sent are never echoed back. A failure of
    the whole body (not an object) names no field: `field` is null."""
    items = []
    for err in exc.errors(include_url=False, include_input=False):
        field = ".".join(str(part) for part in err.get("loc", ())) or None
        message = _MESSAGES.get(str(err.get("type")), str(err.get("msg", "invalid value")))
        items.append({"field": field, "message": _CLASS_NAME.sub("", message)})
    return items


def validation_error_response(exc: ValidationError) -> Response:
    """flask-openapi3's hook: request models that fail validation answer 422 in our envelope."""
    return envelope.validation_error(pydantic_details(exc))


def handle_domain_error(exc: DomainError) -> Response:
    details: Any = exc.details
    if isinstance(exc, ValidationFailed) and not details:
        # A rule of the request as a whole (no single parameter to name): field is null.
        details = [{"field": None, "message": exc.message}]
    response = envelope.error(exc.code, exc.message, status=exc.status, details=details)
    retry_after = getattr(exc, "retry_after", None)
    if retry_after:
        response.headers["Retry-After"] = str(int(retry_after))
    return with_challenge(response)


def with_challenge(response: Response) -> Response:
    """RFC 6750 section 3: a 401 names the scheme the client must use (and, for a token that
    was sent but refused, `error="invalid_token"`)."""
    if response.status_code == 401 and "WWW-Authenticate" not in response.headers:
        sent = request.headers.get("Authorization")
        response.headers["WWW-Authenticate"] = (
            'Bearer realm="elcorp", error="invalid_token"' if sent else 'Bearer realm="elcorp"'
        )
    return response


def handle_http_exception(exc: HTTPException) -> Response:
    status = exc.code or 500
    if status >= 500 and status != 503:
        return handle_unexpected(exc)
    code, message = _HTTP_ERRORS.get(status, (ErrorCode.VALIDATION_ERROR, exc.name))
    response = with_challenge(envelope.error(code, message, status=status))
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

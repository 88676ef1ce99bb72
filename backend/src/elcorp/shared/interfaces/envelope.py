"""The response envelope of DESIGN.md section 5, the only shape the API answers in."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from flask import Response, current_app, g, json, request
from flask.json.provider import DefaultJSONProvider

from elcorp.shared.domain.clock import isoformat_z, utc_now
from elcorp.shared.domain.errors import ErrorCode


def _json_default(value: Any) -> Any:
    """Decimals as fixed-point text: Flask's own encoder uses `str()`, which writes a zero
    read from NUMERIC(20,8) as "0E-8" (DESIGN.md section 5: money is "12.50" in JSON)."""
    if isinstance(value, Decimal):
        return format(value, "f")
    return DefaultJSONProvider.default(value)


def _json_response(body: dict[str, Any], status: int) -> Response:
    return current_app.response_class(
        json.dumps(body, separators=(",", ":"), default=_json_default) + "\n",
        status=status,
        mimetype="application/json",
    )


def success(
    data: Any = None,
    *,
    meta: dict[str, Any] | None = None,
    status: int = 200,
    timestamp: datetime | None = None,
) -> Response:
    """`timestamp` defaults to now; a replayed idempotent response passes the first one's."""
    return _json_response(
        {
            "status": "success",
            "data": data,
            "meta": meta or {},
            "timestamp": isoformat_z(timestamp or utc_now()),
        },
        status,
    )


def created(data: Any, *, location: str, meta: dict[str, Any] | None = None) -> Response:
    """201 for a new resource, with its URL in `Location` (RFC 9110 section 10.2.2)."""
    response = success(data, meta=meta, status=201)
    response.headers["Location"] = location
    return response


def no_content() -> Response:
    """204 for a delete: no body at all (RFC 9110 section 15.3.5)."""
    return current_app.response_class(status=204)


PROBLEM_JSON = "application/problem+json"


def doc_url(code: str) -> str:
    """Where the error code is explained: its entry in docs/API.md "Error codes" (served at
    /api/docs/errors unless ERROR_DOCS_URL points at the published docs)."""
    base = current_app.config.get("ERROR_DOCS_URL") or "/api/docs/errors"
    return f"{base}#{code.lower()}"


def wants_problem_json() -> bool:
    """RFC 9457 problem details when the client prefers them to our envelope."""
    accept = request.accept_mimetypes
    return accept.quality(PROBLEM_JSON) > 0 and accept.best_match([JSON, PROBLEM_JSON]) == PROBLEM_JSON


JSON = "application/json"


def error(code: str, message: str, *, status: int, details: Any = None) -> Response:
    """The error envelope. `status` in the body is `validation_error` for a 422 and only
    for a 422, `error` for every other failure (DESIGN.md section 5)."""
    code = str(code)
    if wants_problem_json():
        return _problem(code, message, status, details)
    return _json_response(
        {
            "status": "validation_error" if status == 422 else "error",
            "error": {"code": code, "message": message, "details": details, "doc_url": doc_url(code)},
            "request_id": getattr(g, "request_id", None),
            "timestamp": isoformat_z(utc_now()),
        },
        status,
    )


def _problem(code: str, message: str, status: int, details: Any) -> Response:
    """The same error as RFC 9457 problem details; `code`, `details`, `request_id` and
    `timestamp` are extension members, so a client reads the same facts either way."""
    body = {
        "type": doc_url(code),
        "title": message,
        "status": status,
        "instance": request.path,
        "code": code,
        "details": details,
        "request_id": getattr(g, "request_id", None),
        "timestamp": isoformat_z(utc_now()),
    }
    response = _json_response(body, status)
    response.mimetype = PROBLEM_JSON
    return response


def validation_error(details: list[dict[str, Any]], message: str = "Validation failed") -> Response:
    """422 with `status: validation_error` and {field, message} items."""
    return error(ErrorCode.VALIDATION_ERROR, message, status=422, details=details)

"""The response envelope of DESIGN.md section 5, the only shape the API answers in."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from flask import Response, current_app, g, json
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


def error(
    code: str,
    message: str,
    *,
    status: int,
    details: Any = None,
    envelope_status: str = "error",
) -> Response:
    return _json_response(
        {
            "status": envelope_status,
            "error": {"code": str(code), "message": message, "details": details},
            "request_id": getattr(g, "request_id", None),
            "timestamp": isoformat_z(utc_now()),
        },
        status,
    )


def validation_error(details: list[dict[str, str]], message: str = "Validation failed") -> Response:
    """422 with `status: validation_error` and {field, message} items."""
    return error(
        ErrorCode.VALIDATION_ERROR,
        message,
        status=422,
        details=details,
        envelope_status="validation_error",
    )

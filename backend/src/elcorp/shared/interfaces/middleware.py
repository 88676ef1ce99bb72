"""Per-request plumbing: request id, request context, JSON-only bodies, security headers,
structured access log and request metrics."""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass

import structlog
from flask import Flask, Response, current_app, g, request
from werkzeug.exceptions import BadRequest

from elcorp.shared.application import context
from elcorp.shared.domain.errors import ErrorCode
from elcorp.shared.interfaces import envelope, metrics

access_log = structlog.get_logger("elcorp.access")

# A client may send its own X-Request-ID (for tracing across systems) if it looks sane.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'none'"
)


@dataclass(frozen=True, slots=True)
class HttpPolicy:
    hsts_seconds: int
    docs_prefix: str


def multipart_allowed(view: object) -> bool:
    """Views that take file uploads opt in with `view.accepts_multipart = True`."""
    return bool(getattr(view, "accepts_multipart", False))


def install(app: Flask, policy: HttpPolicy) -> None:
    """Request id, context, headers, access log and metrics. Install before the rate
    limiter (its key reads the request context); `install_body_check` goes after it."""

    @app.before_request
    def _start() -> None:
        g.started = time.perf_counter()
        supplied = request.headers.get("X-Request-ID", "")
        g.request_id = supplied if _REQUEST_ID.match(supplied) else uuid.uuid4().hex
        context.set_current(
            context.RequestContext(
                request_id=g.request_id,
                ip=request.remote_addr,
                user_agent=request.headers.get("User-Agent"),
            )
        )
        context.start_request_memo()

    @app.teardown_request
    def _end(_: BaseException | None) -> None:
        context.end_request_memo()

    @app.after_request
    def _finish(response: Response) -> Response:
        response.headers["X-Request-ID"] = getattr(g, "request_id", "")
        _security_headers(response, policy)
        route = request.url_rule.rule if request.url_rule else "<unmatched>"
        elapsed = time.perf_counter() - getattr(g, "started", time.perf_counter())
        metrics.observe_request(request.method, route, response.status_code, elapsed)
        access_log.info(
            "http.request",
            method=request.method,
            route=route,
            path=request.path,
            status=response.status_code,
            duration_ms=round(elapsed * 1000, 2),
            request_id=getattr(g, "request_id", None),
            remote_addr=request.remote_addr,
            user_id=context.current().actor_id,
            bytes_in=request.content_length or 0,
        )
        return response


def install_body_check(app: Flask) -> None:
    """After the rate limiter, so malformed bodies count against the caller's budget too."""
    app.before_request(_check_body)


def _check_body() -> Response | None:
    """Bodies are JSON only (multipart where a view opts in), and must parse."""
    if request.method not in _BODY_METHODS:
        return None
    has_body = (request.content_length or 0) > 0 or request.headers.get("Transfer-Encoding")
    if not has_body:
        return None
    mimetype = request.mimetype

    view = current_app.view_functions.get(request.endpoint or "")
    if mimetype == "multipart/form-data" and multipart_allowed(view):
        return None
    if mimetype != "application/json" and not mimetype.endswith("+json"):
        return envelope.error(
            ErrorCode.UNSUPPORTED_MEDIA_TYPE,
            "Request bodies must be sent as application/json",
            status=415,
        )
    try:
        request.get_json(force=False, silent=False, cache=True)
    except BadRequest:
        return envelope.error(ErrorCode.MALFORMED_JSON, "The request body is not valid JSON", status=400)
    return None


def _security_headers(response: Response, policy: HttpPolicy) -> None:
    headers = response.headers
    if policy.hsts_seconds:
        headers.setdefault("Strict-Transport-Security", f"max-age={policy.hsts_seconds}; includeSubDomains")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    is_docs = request.path.startswith(policy.docs_prefix)
    headers.setdefault("Content-Security-Policy", DOCS_CSP if is_docs else API_CSP)
    if not is_docs:
        headers.setdefault("Cache-Control", "no-store")

"""Per-request plumbing: request id, request context, JSON-only bodies, text the database
can store, security headers, structured access log and request metrics."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import structlog
from flask import Flask, Request, Response, current_app, g, request
from werkzeug.exceptions import BadRequest

from elcorp.shared.application import context
from elcorp.shared.domain.errors import ErrorCode
from elcorp.shared.interfaces import envelope, metrics

access_log = structlog.get_logger("elcorp.access")

# A client may send its own X-Request-ID (for tracing across systems) if it looks sane.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# Text no column can hold: PostgreSQL refuses NUL (U+0000) in text, and an unpaired
# surrogate (JSON's "\ud800") has no UTF-8 encoding. Either one used to reach the database
# and come back as a 500; it is refused at the door, wherever the request carries it.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE_MESSAGE = "must not contain NUL (U+0000) or unpaired surrogate characters"
# Far deeper than any body the API takes, far below Python's recursion limit (a body of
# 50,000 nested `[` made the JSON parser raise RecursionError: a 500).
MAX_JSON_DEPTH = 32

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


class ApiRequest(Request):
    """A request whose missing body reads as `{}`: every action route takes "no body" and
    "{}" alike (docs/API.md "Base path and format"), so `POST /auth/logout` needs none."""

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        if (
            self.method in _BODY_METHODS
            and not self.content_length
            and not self.headers.get("Transfer-Encoding")
        ):
            return {}
        return super().get_json(force=force, silent=silent, cache=cache)


def install_body_check(app: Flask) -> None:
    """After the rate limiter, so malformed bodies count against the caller's budget too."""
    app.before_request(_check_body)
    app.before_request(_refuse_unstorable_text)


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
        too_deep = json_depth_exceeds(request.get_json(force=False, silent=False, cache=True), MAX_JSON_DEPTH)
    except BadRequest:
        return envelope.error(ErrorCode.MALFORMED_JSON, "The request body is not valid JSON", status=400)
    except RecursionError:  # the parser's own stack ran out: nested far past the limit
        too_deep = True
    if too_deep:
        return envelope.error(
            ErrorCode.MALFORMED_JSON,
            f"The request body nests deeper than {MAX_JSON_DEPTH} levels",
            status=400,
        )
    return None


def json_depth_exceeds(value: Any, limit: int) -> bool:
    """Whether a parsed JSON value nests more than `limit` arrays/objects (walked without
    recursion, so no body can exhaust the stack here)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def _refuse_unstorable_text() -> Response | None:
    """422 naming the header, query or path parameter, form field or JSON field whose text
    holds NUL or an unpaired surrogate."""
    fields = sorted(set(unstorable_fields()))
    if not fields:
        return None
    return envelope.validation_error([{"field": field, "message": UNSTORABLE_MESSAGE} for field in fields])


def unstorable_fields() -> Iterator[str]:
    """The names of every piece of this request's text that the database could not store."""
    for name, value in request.headers.items():
        if _UNSTORABLE.search(value):
            yield _printable(name)
    for name, value in request.args.items(multi=True):
        if _UNSTORABLE.search(name) or _UNSTORABLE.search(value):
            yield _printable(name)
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str) and _UNSTORABLE.search(value):
            yield name
    if request.method not in _BODY_METHODS:
        return
    if request.mimetype == "multipart/form-data":
        for name, value in request.form.items(multi=True):
            if _UNSTORABLE.search(name) or _UNSTORABLE.search(value):
                yield _printable(name)
        for name, upload in request.files.items(multi=True):
            if _UNSTORABLE.search(name) or _UNSTORABLE.search(upload.filename or ""):
                yield _printable(name)
    elif request.is_json:
        yield from _unstorable_in_json(request.get_json(silent=True, cache=True))


def _unstorable_in_json(body: Any) -> Iterator[str]:
    """Dotted paths (`lines.0.description`, as validation errors name fields) of the keys and
    strings of a JSON body holding unstorable text."""
    stack: list[tuple[Any, str]] = [(body, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if _UNSTORABLE.search(item):
                yield path or "body"
        elif isinstance(item, dict):
            for key, child in item.items():
                child_path = f"{path}.{_printable(key)}" if path else _printable(key)
                if _UNSTORABLE.search(key):
                    yield child_path
                stack.append((child, child_path))
        elif isinstance(item, list):
            stack.extend((child, f"{path}.{i}" if path else str(i)) for i, child in enumerate(item))


def _printable(name: str) -> str:
    """A field name as it can be shown back: unstorable characters written as \\uXXXX."""
    return _UNSTORABLE.sub(lambda found: f"\\u{ord(found.group()):04x}", name)


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

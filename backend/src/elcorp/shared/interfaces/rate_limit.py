"""Rate limiting with flask-limiter on Redis (DESIGN.md section 6).

Keyed by the authenticated user when the request carries a valid token (the identity
layer sets `RequestContext.actor_id`), otherwise by client IP. The client IP is the socket
peer unless TRUSTED_PROXY_COUNT hops of X-Forwarded-For are trusted (ProxyFix, in main).
"""

from __future__ import annotations

import time

from flask import Flask, Response, request
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded

from elcorp.shared.application import context
from elcorp.shared.domain.errors import ErrorCode
from elcorp.shared.interfaces import envelope


def rate_limit_key() -> str:
    actor = context.current().actor_id
    if actor:
        return f"user:{actor}"
    return f"ip:{request.remote_addr or 'unknown'}"


def build_limiter(
    app: Flask,
    *,
    storage_uri: str,
    anonymous: str,
    authenticated: str,
    enabled: bool,
) -> Limiter:
    def current_limit() -> str:
        return authenticated if context.current().actor_id else anonymous

    limiter = Limiter(
        key_func=rate_limit_key,
        app=app,
        storage_uri=storage_uri,
        storage_options={"socket_timeout": 2, "socket_connect_timeout": 2},
        # One budget per caller across all routes (the client: 100 requests/minute per IP).
        application_limits=[current_limit],
        # X-RateLimit-* headers would cost two more Redis round trips on every request;
        # only a refused request needs to know when to come back (Retry-After).
        headers_enabled=False,
        key_prefix="elcorp:rl",
        strategy="fixed-window",
        # If Redis is unreachable, limit per process in memory rather than fail every request.
        in_memory_fallback_enabled=True,
        enabled=enabled,
    )

    def too_many_requests(exc: RateLimitExceeded) -> Response:
        response = envelope.error(
            ErrorCode.RATE_LIMITED,
            "Too many requests; retry after the number of seconds in Retry-After",
            status=429,
        )
        current = limiter.current_limit
        reset_at = current.reset_at if current is not None else int(time.time()) + 1
        response.headers["Retry-After"] = str(max(1, reset_at - int(time.time())))
        return response

    app.register_error_handler(RateLimitExceeded, too_many_requests)
    return limiter

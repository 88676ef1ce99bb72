"""Rate limiting with flask-limiter on Redis (DESIGN.md section 6).

Keyed by the authenticated user when the request carries a valid token (the identity
layer sets `RequestContext.actor_id`), otherwise by client IP. The client IP is the socket
peer unless TRUSTED_PROXY_COUNT hops of X-Forwarded-For are trusted (ProxyFix, in main).
"""

from __future__ import annotations

from flask import Flask, request
from flask_limiter import Limiter

from elcorp.shared.application import context


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
        headers_enabled=True,
        key_prefix="elcorp:rl",
        strategy="fixed-window",
        # If Redis is unreachable, limit per process in memory rather than fail every request.
        in_memory_fallback_enabled=True,
        enabled=enabled,
    )
    return limiter

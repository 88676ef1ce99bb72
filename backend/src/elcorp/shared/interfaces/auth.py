"""Authentication in middleware, authorisation in decorators.

A before-request hook (registered before the rate limiter, so limits are per user when a
valid token is sent) reads `Authorization: Bearer <token>` - never a query string - and
remembers the caller or the reason the token failed. `authenticated` and
`require_permission(...)` then let a view run only for a valid caller holding the
permission; deny by default.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import Flask, current_app, g, request

from elcorp.shared.application import context
from elcorp.shared.application.auth import AuthenticatedCaller, Authenticator, Authorizer
from elcorp.shared.domain.errors import AuthenticationFailed, MissingToken

F = TypeVar("F", bound=Callable[..., Any])
AUTHENTICATOR, AUTHORIZER = "elcorp.authenticator", "elcorp.authorizer"


def install_authentication(app: Flask, authenticator: Authenticator, authorizer: Authorizer) -> None:
    app.extensions[AUTHENTICATOR] = authenticator
    app.extensions[AUTHORIZER] = authorizer

    @app.before_request
    def _authenticate() -> None:
        g.caller = None
        g.auth_error = None
        header = request.headers.get("Authorization")
        if not header:
            return
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            g.auth_error = AuthenticationFailed("Use the Bearer scheme: Authorization: Bearer <token>")
            return
        try:
            caller = authenticator.authenticate(token.strip())
        except AuthenticationFailed as exc:
            g.auth_error = exc
            return
        g.caller = caller
        context.with_actor(str(caller.user_id))


def current_caller() -> AuthenticatedCaller:
    caller = getattr(g, "caller", None)
    if caller is None:
        raise getattr(g, "auth_error", None) or MissingToken()
    return cast(AuthenticatedCaller, caller)


def authenticated(view: F) -> F:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        current_caller()
        return view(*args, **kwargs)

    return cast(F, wrapper)


def require_permission(*permissions: str) -> Callable[[F], F]:
    """The caller must hold every listed permission (`resource:action`)."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            caller = current_caller()
            authorizer: Authorizer = current_app.extensions[AUTHORIZER]
            for permission in permissions:
                authorizer.authorize(caller, permission)
            return view(*args, **kwargs)

        wrapper.required_permissions = permissions  # type: ignore[attr-defined]
        return cast(F, wrapper)

    return decorate

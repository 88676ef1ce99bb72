"""Authentication in middleware, authorisation in decorators.

A before-request hook (registered before the rate limiter, so limits are per user when a
valid token is sent) reads `Authorization: Bearer <token>` - never a query string - and
remembers the caller or the reason the token failed. `authenticated` and
`require_permission(...)` then let a view run only for a valid caller holding the
permission; deny by default. Both mark the view `requires_authentication`, and a second
hook (`install_authentication_gate`) refuses an anonymous call to such a view with 401
before its path, query or body is validated.
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
        context.bind_session(None)  # a pooled thread may still hold the previous request's
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
        context.bind_session(context.Session(caller.user_id, caller.mfa))

    @app.teardown_request
    def _forget_session(_: BaseException | None) -> None:
        context.bind_session(None)  # nothing of this caller outlives the request on its thread


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

    wrapper.requires_authentication = True  # type: ignore[attr-defined]
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
        wrapper.requires_authentication = True  # type: ignore[attr-defined]
        return cast(F, wrapper)

    return decorate


def public(view: F) -> F:
    """Declare a view open to anonymous callers on purpose (sign-in, health, the API docs).
    Every route declares its access: `public`, `authenticated` or `require_permission(...)`;
    the authorization-matrix test fails on a route that declares none."""
    view.allows_anonymous = True  # type: ignore[attr-defined]
    return view


def requires_authentication(view: object) -> bool:
    """Whether a view (as registered, or any decorator layer around it) needs a caller."""
    while view is not None:
        if getattr(view, "requires_authentication", False):
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def install_authentication_gate(app: Flask) -> None:
    """Refuse an anonymous call to a route that needs a caller with 401 before anything reads
    the request. flask-openapi3 validates path, query and body *around* the view's decorators,
    so without this gate an anonymous `POST /users {}` was told the required fields (422).
    Install after the rate limiter (refusals count against the client's budget) and before
    the body checks."""
    app.before_request(_refuse_anonymous)
    app.before_request(_refuse_without_permission)


def _refuse_anonymous() -> None:
    if request.method == "OPTIONS":
        return  # a CORS preflight carries no credentials by design (Fetch standard)
    if requires_authentication(current_app.view_functions.get(request.endpoint or "")):
        current_caller()


def required_permissions(view: object) -> tuple[str, ...]:
    """The permissions a view (or any decorator layer around it) declares."""
    while view is not None:
        declared: tuple[str, ...] = getattr(view, "required_permissions", ())
        if declared:
            return declared
        view = getattr(view, "__wrapped__", None)
    return ()


def _refuse_without_permission() -> None:
    """A caller without the route's permission gets 403 before validation too: a customer
    must not learn an admin route's fields from a 422 (the view's decorator checks again)."""
    if request.method == "OPTIONS" or getattr(g, "caller", None) is None:
        return
    permissions = required_permissions(current_app.view_functions.get(request.endpoint or ""))
    if permissions:
        authorizer: Authorizer = current_app.extensions[AUTHORIZER]
        for permission in permissions:
            authorizer.authorize(current_caller(), permission)

"""The app factory: the only place that builds and wires the Flask application."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Request, Response
from flask.sessions import SessionInterface, SessionMixin
from flask_cors import CORS
from flask_openapi3 import Info, OpenAPI
from werkzeug.middleware.proxy_fix import ProxyFix

from elcorp import __version__
from elcorp.bootstrap import bootstrap
from elcorp.config import Settings
from elcorp.container import Container
from elcorp.shared.infrastructure.logging import configure_logging
from elcorp.shared.infrastructure.redis import limiter_storage_uri
from elcorp.shared.interfaces import middleware, ops
from elcorp.shared.interfaces.api import API_V1
from elcorp.shared.interfaces.auth import install_authentication, install_authentication_gate
from elcorp.shared.interfaces.dashboard import dashboard_blueprint
from elcorp.shared.interfaces.deprecation import install_deprecation
from elcorp.shared.interfaces.docs import docs_blueprint
from elcorp.shared.interfaces.errors import register_error_handlers, validation_error_response
from elcorp.shared.interfaces.idempotency import install_idempotency
from elcorp.shared.interfaces.openapi import ValidationErrorResponse, operation_id
from elcorp.shared.interfaces.rate_limit import build_limiter


class NoCookieSessions(SessionInterface):
    """The API is stateless (bearer tokens): no cookie session is read or written, so no
    request pays for one and no response can set one (`flask.session` is a null session)."""

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        return None

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        return None


CONTAINER = "elcorp"


def container_of(app: Flask) -> Container:
    """The container an app was built on (the Celery tasks run inside the app's context)."""
    found: Container = app.extensions[CONTAINER]
    return found


SECURITY_SCHEMES: dict[str, Any] = {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}


def create_app(settings: Settings | None = None, *, container: Container | None = None) -> OpenAPI:
    """Build the API. `settings` default to the environment; tests pass their own container."""
    settings = settings or (container.settings if container else Settings())
    settings.ensure_safe_for_profile()
    configure_logging(settings.LOG_LEVEL, json_output=settings.LOG_JSON)
    container = container or bootstrap(settings)

    app = _flask_app(settings)
    app.extensions[CONTAINER] = container  # for the Celery tasks, through container_of()
    middleware.install(app, middleware.HttpPolicy(settings.HSTS_SECONDS, docs_prefix="/api/docs"))
    # Before the rate limiter: a valid token makes the limit per user instead of per IP.
    install_authentication(app, container.identity.auth, container.authorizer)
    register_error_handlers(app)
    if settings.CORS_ORIGINS:
        _allow_cross_origin(app, settings.CORS_ORIGINS)
    probes = _register_routes(app, container, settings)
    _install_rate_limits(app, settings, probes)
    # After the limiter, before any check that reads the request: anonymous calls to a
    # protected route get 401, not a 422 describing the route's fields.
    install_authentication_gate(app)
    middleware.install_body_check(app)
    install_idempotency(app, container.redis)
    install_deprecation(app)
    return app


def _flask_app(settings: Settings) -> OpenAPI:
    app = OpenAPI(
        __name__,
        info=Info(title="Elcorp Namibia API", version=__version__),
        security_schemes=SECURITY_SCHEMES,
        validation_error_callback=validation_error_response,
        validation_error_model=ValidationErrorResponse,
        operation_id_callback=operation_id,
        doc_ui=False,
    )
    app.config.update(
        SECRET_KEY=settings.SECRET_KEY.get_secret_value(),
        MAX_CONTENT_LENGTH=settings.MAX_REQUEST_BYTES,
        JSON_SORT_KEYS=False,
        DEBUG=settings.DEBUG,
        TESTING=settings.is_test,
        PUBLIC_BASE_URL=settings.PUBLIC_BASE_URL,
        ERROR_DOCS_URL=settings.ERROR_DOCS_URL,
    )
    app.request_class = middleware.ApiRequest
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.session_interface = NoCookieSessions()
    app.url_map.strict_slashes = False
    if settings.TRUSTED_PROXY_COUNT:
        n = settings.TRUSTED_PROXY_COUNT
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=0)  # type: ignore[method-assign]
    return app


def _allow_cross_origin(app: OpenAPI, origins: list[str]) -> None:
    CORS(
        app,
        resources={rf"{API_V1}/*": {"origins": origins}},
        allow_headers=[
            "Authorization",
            "Content-Type",
            "Idempotency-Key",
            "X-Request-ID",
            "X-Emergency-Reason",
        ],
        expose_headers=[
            "X-Request-ID",
            "Retry-After",
            "Repr-Digest",
            "X-Export-Id",
            "Content-Disposition",
            "Deprecation",
            "Sunset",
            "Link",
        ],
        max_age=600,
    )


def _register_routes(app: OpenAPI, container: Container, settings: Settings) -> Blueprint:
    """Every context module's blueprints, then the probes (returned: they are not rate
    limited), the API docs and the staff dashboard."""
    for module in (
        container.identity_module,
        container.payments_module,
        container.governance_module,
        container.compliance_module,
    ):
        for context_api in module.blueprints():
            app.register_api(context_api)
    probes = ops.blueprint(container.readiness, container.settings.METRICS_TOKEN)
    app.register_blueprint(probes)
    app.register_blueprint(docs_blueprint(API_V1))
    app.register_blueprint(dashboard_blueprint(settings.DASHBOARD_DIST))
    return probes


def _install_rate_limits(app: OpenAPI, settings: Settings, probes: Blueprint) -> None:
    """Per user (or per IP when anonymous); the probes and the API docs are not limited."""
    limiter = build_limiter(
        app,
        storage_uri=limiter_storage_uri(settings.REDIS_URL or "memory://"),
        anonymous=settings.RATE_LIMIT_ANONYMOUS,
        authenticated=settings.RATE_LIMIT_AUTHENTICATED,
        enabled=settings.RATE_LIMIT_ENABLED,
    )
    limiter.exempt(probes)
    limiter.exempt(app.blueprints["api_docs"])  # type: ignore[call-overload]
    limiter.exempt(app.blueprints["dashboard"])  # type: ignore[call-overload]

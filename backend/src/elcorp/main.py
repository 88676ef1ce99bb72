"""The app factory: the only place that builds and wires the Flask application."""

from __future__ import annotations

from typing import Any

from flask import Flask, Request, Response
from flask.sessions import SessionInterface, SessionMixin
from flask_cors import CORS
from flask_openapi3 import Info, OpenAPI
from werkzeug.middleware.proxy_fix import ProxyFix

from elcorp import __version__
from elcorp.bootstrap import Container, bootstrap
from elcorp.compliance.interfaces.consent import api as consent_api
from elcorp.compliance.interfaces.http import api as compliance_api
from elcorp.compliance.interfaces.incidents import api as incidents_api
from elcorp.compliance.interfaces.privacy_register import api as privacy_register_api
from elcorp.compliance.interfaces.privacy_requests import api as privacy_requests_api
from elcorp.compliance.interfaces.reports import api as reports_api
from elcorp.compliance.interfaces.retention import api as retention_api
from elcorp.compliance.interfaces.risks import api as risks_api
from elcorp.compliance.interfaces.sla import api as sla_api
from elcorp.config import Settings
from elcorp.governance.interfaces.http import api as governance_api
from elcorp.governance.interfaces.organizations import api as organizations_api
from elcorp.governance.interfaces.service_requests import api as service_requests_api
from elcorp.identity.interfaces.http import api as identity_api
from elcorp.payments.interfaces.http import api as payments_api
from elcorp.payments.interfaces.invoices import api as invoices_api
from elcorp.payments.interfaces.reconciliation import api as reconciliation_api
from elcorp.payments.interfaces.settlement import api as settlement_api
from elcorp.payments.interfaces.vehicles import api as vehicles_api
from elcorp.shared.infrastructure.logging import configure_logging
from elcorp.shared.infrastructure.redis import limiter_storage_uri
from elcorp.shared.interfaces import middleware
from elcorp.shared.interfaces.api import API_V1
from elcorp.shared.interfaces.auth import install_authentication, install_authentication_gate
from elcorp.shared.interfaces.docs import docs_blueprint
from elcorp.shared.interfaces.errors import register_error_handlers, validation_error_response
from elcorp.shared.interfaces.ops import ops
from elcorp.shared.interfaces.rate_limit import build_limiter


class NoCookieSessions(SessionInterface):
    """The API is stateless (bearer tokens): no cookie session is read or written, so no
    request pays for one and no response can set one (`flask.session` is a null session)."""

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        return None

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        return None


SECURITY_SCHEMES: dict[str, Any] = {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}


def create_app(settings: Settings | None = None, *, container: Container | None = None) -> OpenAPI:
    """Build the API. `settings` default to the environment; tests pass their own container."""
    settings = settings or (container.settings if container else Settings())
    settings.ensure_safe_for_profile()
    configure_logging(settings.LOG_LEVEL, json_output=settings.LOG_JSON)
    container = container or bootstrap(settings)

    app = OpenAPI(
        __name__,
        info=Info(title="Elcorp Namibia API", version=__version__),
        security_schemes=SECURITY_SCHEMES,
        validation_error_callback=validation_error_response,
        doc_ui=False,
    )
    app.config.update(
        SECRET_KEY=settings.SECRET_KEY.get_secret_value(),
        MAX_CONTENT_LENGTH=settings.MAX_REQUEST_BYTES,
        JSON_SORT_KEYS=False,
        DEBUG=settings.DEBUG,
        TESTING=settings.is_test,
    )
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.session_interface = NoCookieSessions()
    app.url_map.strict_slashes = False
    if settings.TRUSTED_PROXY_COUNT:
        n = settings.TRUSTED_PROXY_COUNT
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=0)  # type: ignore[method-assign]
    app.extensions["elcorp"] = container

    middleware.install(app, middleware.HttpPolicy(settings.HSTS_SECONDS, docs_prefix="/api/docs"))
    # Before the rate limiter: a valid token makes the limit per user instead of per IP.
    install_authentication(app, container.identity.auth, container.authorizer)
    app.extensions["elcorp.identity"] = container.identity
    app.extensions["elcorp.roles"] = container.roles
    app.extensions["elcorp.policies"] = container.policies
    app.extensions["elcorp.organizations"] = container.organizations
    app.extensions["elcorp.organization_invitations"] = container.organization_invitations
    app.extensions["elcorp.service_requests"] = container.service_requests
    app.extensions["elcorp.payments"] = container.payments
    app.extensions["elcorp.reconciliation"] = container.reconciliation
    app.extensions["elcorp.settlement"] = container.settlement
    app.extensions["elcorp.vehicles"] = container.vehicles
    app.extensions["elcorp.invoices"] = container.invoices
    app.extensions["elcorp.audit"] = container.audit_trail
    app.extensions["elcorp.audit_scope"] = container.audit_scope
    app.extensions["elcorp.audit_exports"] = container.audit_exports
    app.extensions["elcorp.retention"] = container.retention
    app.extensions["elcorp.legal_holds"] = container.legal_holds
    app.extensions["elcorp.erasure"] = container.erasure
    app.extensions["elcorp.privacy_requests"] = container.privacy_requests
    app.extensions["elcorp.privacy_register"] = container.privacy_register
    app.extensions["elcorp.notices"] = container.notices
    app.extensions["elcorp.consents"] = container.consents
    app.extensions["elcorp.sla"] = container.sla
    app.extensions["elcorp.incidents"] = container.incidents
    app.extensions["elcorp.breach_notifications"] = container.breach_notifications
    app.extensions["elcorp.risks"] = container.risks
    app.extensions["elcorp.reports"] = container.reports
    register_error_handlers(app)
    if settings.CORS_ORIGINS:
        CORS(
            app,
            resources={rf"{API_V1}/*": {"origins": settings.CORS_ORIGINS}},
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
            ],
            max_age=600,
        )

    for context_api in (
        identity_api,
        payments_api,
        vehicles_api,
        invoices_api,
        reconciliation_api,
        settlement_api,
        governance_api,
        organizations_api,
        service_requests_api,
        compliance_api,
        privacy_register_api,
        consent_api,
        privacy_requests_api,
        retention_api,
        incidents_api,
        sla_api,
        risks_api,
        reports_api,
    ):
        app.register_api(context_api)
    app.register_blueprint(ops)
    app.register_blueprint(docs_blueprint(API_V1))

    limiter = build_limiter(
        app,
        storage_uri=limiter_storage_uri(settings.REDIS_URL or "memory://"),
        anonymous=settings.RATE_LIMIT_ANONYMOUS,
        authenticated=settings.RATE_LIMIT_AUTHENTICATED,
        enabled=settings.RATE_LIMIT_ENABLED,
    )
    limiter.exempt(ops)
    limiter.exempt(app.blueprints["api_docs"])  # type: ignore[call-overload]
    app.extensions["elcorp.limiter"] = limiter
    # After the limiter, before any check that reads the request: anonymous calls to a
    # protected route get 401, not a 422 describing the route's fields.
    install_authentication_gate(app)
    middleware.install_body_check(app)
    return app

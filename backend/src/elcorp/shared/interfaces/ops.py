"""Operations endpoints, outside /api/v1 and outside rate limits: probes and metrics."""

from __future__ import annotations

from flask import Blueprint, Response, request
from pydantic import SecretStr

from elcorp.shared.domain.errors import AuthenticationFailed, ErrorCode, MissingToken
from elcorp.shared.infrastructure.health import ReadinessProbe
from elcorp.shared.interfaces import envelope, metrics
from elcorp.shared.interfaces.auth import public


def blueprint(probe: ReadinessProbe, metrics_token: SecretStr | None) -> Blueprint:
    """The probes and metrics, closing over the readiness probe and the metrics token."""
    ops = Blueprint("ops", __name__)

    @ops.get("/health")
    @public
    def health() -> Response:
        """Liveness: the process answers. No I/O, so a slow database never restarts pods."""
        return envelope.success({"status": "ok"})

    @ops.get("/ready")
    @public
    def ready() -> Response:
        """Readiness: database reachable and migrated to head, Redis reachable."""
        results = probe.run()
        checks = {r.name: {"ok": r.ok, "detail": r.detail} for r in results}
        failing = [r.name for r in results if not r.ok and r.critical]
        if failing:
            return envelope.error(
                ErrorCode.SERVICE_UNAVAILABLE,
                "Not ready: " + ", ".join(failing),
                status=503,
                details={"checks": checks},
            )
        return envelope.success({"status": "ready", "checks": checks})

    @ops.get("/metrics")
    @public
    def prometheus_metrics() -> Response:
        """Prometheus exposition. No user token: with METRICS_TOKEN set (required in production)
        only `Authorization: Bearer <METRICS_TOKEN>` is let through."""
        if metrics_token is not None:
            presented = metrics.presented_token(request.headers.get("Authorization"))
            if presented is None:
                raise MissingToken("Send the metrics token: Authorization: Bearer <METRICS_TOKEN>")
            if not metrics.token_matches(presented, metrics_token.get_secret_value()):
                raise AuthenticationFailed("The metrics token is not valid")
        body, content_type = metrics.render()
        return Response(body, mimetype=content_type.split(";")[0], headers={"Content-Type": content_type})

    return ops

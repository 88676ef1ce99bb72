"""Operations endpoints, outside /api/v1 and outside rate limits: probes and metrics."""

from __future__ import annotations

from flask import Blueprint, Response, current_app

from elcorp.shared.domain.errors import ErrorCode
from elcorp.shared.interfaces import envelope, metrics

ops = Blueprint("ops", __name__)


@ops.get("/health")
def health() -> Response:
    """Liveness: the process answers. No I/O, so a slow database never restarts pods."""
    return envelope.success({"status": "ok"})


@ops.get("/ready")
def ready() -> Response:
    """Readiness: database reachable and migrated to head, Redis reachable."""
    probe = current_app.extensions["elcorp"].readiness
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
def prometheus_metrics() -> Response:
    body, content_type = metrics.render()
    return Response(body, mimetype=content_type.split(";")[0], headers={"Content-Type": content_type})

"""Prometheus metrics: request count and latency by route and status, plus process metrics.

Under gunicorn each worker is a process: set PROMETHEUS_MULTIPROC_DIR (make run does) and
`/metrics` aggregates every worker through prometheus_client's multiprocess collector.

Route names, status counts and latencies tell an attacker what the platform does and how
busy it is, so with METRICS_TOKEN set (production requires it) `/metrics` answers only a
scraper sending `Authorization: Bearer <METRICS_TOKEN>`.
"""

from __future__ import annotations

import hmac
import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as prom_multiprocess
from prometheus_client.process_collector import ProcessCollector

REQUESTS = Counter("elcorp_http_requests_total", "HTTP requests answered", ["method", "route", "status"])
LATENCY = Histogram(
    "elcorp_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)


def render() -> tuple[bytes, str]:
    """The exposition text, aggregated across worker processes when multiprocess mode is on."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        prom_multiprocess.MultiProcessCollector(registry)
        ProcessCollector(registry=registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    from prometheus_client import REGISTRY

    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def presented_token(authorization: str | None) -> str | None:
    """The bearer token of an `Authorization` header, or None when there is none."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def token_matches(presented: str, expected: str) -> bool:
    """Constant-time comparison, so response timing does not reveal the token."""
    return hmac.compare_digest(presented.encode(), expected.encode())

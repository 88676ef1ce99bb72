"""Per-request cost of the HTTP plumbing (middleware, envelope, rate limit, metrics, log).

DESIGN.md section 8 leaves about 1 ms of CPU per money-moving request on this machine for
Flask, auth, validation and SQL together; this measures what the kernel takes of it, in
process (WSGI test client, no network), for:
  - GET /health           (no I/O; exempt from rate limiting)
  - GET /api/v1/bench     (a trivial route: rate-limit round trip to Redis + envelope)
  - POST /api/v1/bench    (the same plus JSON parsing and pydantic validation)

Usage: DATABASE_URL=... REDIS_URL=... python backend/benchmarks/request_overhead.py [N]
"""

from __future__ import annotations

import logging
import os
import platform
import statistics
import sys
import time

from flask_openapi3 import APIBlueprint
from pydantic import BaseModel, ConfigDict, Field

from elcorp.config import Profile, Settings
from elcorp.main import create_app
from elcorp.shared.interfaces import envelope


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount: str = Field(pattern=r"^\d+(\.\d{1,8})?$")
    currency: str = Field(min_length=3, max_length=3)
    description: str | None = Field(default=None, max_length=140)


def build():
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        ENV=Profile.TEST,
        DATABASE_URL=os.environ["DATABASE_URL"],
        REDIS_URL=os.environ["REDIS_URL"],
        RATE_LIMIT_ANONYMOUS="100000000/minute",
        LOG_LEVEL="WARNING",
    )
    app = create_app(settings)
    bp = APIBlueprint("bench", __name__, url_prefix="/api/v1/bench")

    @bp.get("/")
    def read():
        return envelope.success({"ok": True})

    @bp.post("/")
    def write(body: Body):
        return envelope.success(body.model_dump(), status=201)

    app.register_api(bp)
    # Keep the access log on (it is part of the cost) but write it to /dev/null.
    logging.getLogger("elcorp.access").setLevel(logging.INFO)
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(open(os.devnull, "w"))  # noqa: SIM115 - lives as long as the process
    return app.test_client()


def measure(call, n: int) -> list[float]:
    for _ in range(min(200, n)):  # warm up
        call()
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        call()
        samples.append((time.perf_counter() - t0) * 1e6)
    return samples


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    client = build()
    body = {"amount": "125.50", "currency": "NAD", "description": "rent"}
    cases = {
        "GET /health": lambda: client.get("/health"),
        "GET /api/v1/bench": lambda: client.get("/api/v1/bench/"),
        "POST /api/v1/bench": lambda: client.post("/api/v1/bench/", json=body),
    }
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores; n={n}")
    print(f"{'case':<22}{'median us':>12}{'p90 us':>10}")
    for name, call in cases.items():
        samples = sorted(measure(call, n))
        print(f"{name:<22}{statistics.median(samples):>12.0f}{samples[int(0.9 * len(samples))]:>10.0f}")


if __name__ == "__main__":
    main()

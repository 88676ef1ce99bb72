"""Login cost versus the raw Argon2id verification it is built around (same run, same
parameters). The target (identity issue): the API adds no more than 15% to the Argon2
time per login.

What a login does besides Argon2: rate-limit and per-IP throttle checks (Redis), the
account lookup (PostgreSQL), lock check and counter reset (Redis), two JWT signatures,
the device-session upsert, an audit row and the commit.

Usage (a fresh database is created on the server and dropped afterwards):
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/14 \
        .venv/bin/python backend/benchmarks/login.py [N]
"""

from __future__ import annotations

import logging
import os
import platform
import statistics
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from argon2 import PasswordHasher, Type

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from elcorp.bootstrap import bootstrap
from elcorp.config import Profile, Settings
from elcorp.main import create_app
from elcorp.shared.infrastructure import migrate
from elcorp.shared.infrastructure.db import build_engine
from support.servers import create_database, drop_database

PASSWORD = "Kalahari-Sunset-2026!"


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    database_url = create_database(os.environ["DATABASE_URL"], prefix="elcorp_bench")
    try:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            ENV=Profile.TEST,
            DATABASE_URL=database_url,
            REDIS_URL=os.environ["REDIS_URL"],
            RATE_LIMIT_ANONYMOUS="100000000/minute",
            LOGIN_IP_MAX_FAILURES="100000000/hour",
            LOG_LEVEL="WARNING",
        )  # production Argon2 parameters: the Settings defaults
        engine = build_engine(database_url, pool_size=4)
        migrate.upgrade(engine, settings.MIGRATIONS_DIR)
        container = bootstrap(settings, engine=engine)
        container.redis.flushdb()
        app = create_app(container=container)
        for handler in logging.getLogger().handlers:  # keep the access log's cost, drop its output
            if isinstance(handler, logging.StreamHandler):
                handler.setStream(open(os.devnull, "w"))  # noqa: SIM115
        client = app.test_client()
        email = f"bench-{uuid.uuid4().hex[:8]}@example.na"
        created = client.post(
            "/api/v1/auth/register",
            json={
                "username": f"bench{uuid.uuid4().hex[:8]}",
                "full_name": "Bench Mark",
                "email": email,
                "password": PASSWORD,
                "phone": "+264811234567",
                "agreed_terms": True,
            },
        )
        assert created.status_code == 201, created.get_json()

        argon2 = PasswordHasher(
            time_cost=settings.ARGON2_TIME_COST,
            memory_cost=settings.ARGON2_MEMORY_KIB,
            parallelism=settings.ARGON2_PARALLELISM,
            type=Type.ID,
        )
        stored = argon2.hash(PASSWORD)

        def raw() -> None:
            argon2.verify(stored, PASSWORD)

        def api() -> None:
            response = client.post(
                "/api/v1/auth/login",
                json={"email": email, "password": PASSWORD, "device_id": str(uuid.uuid4())},
            )
            assert response.status_code == 200, response.get_json()

        def timed(call, count: int) -> list[float]:
            for _ in range(5):
                call()
            samples = []
            for _ in range(count):
                t0 = time.perf_counter()
                call()
                samples.append((time.perf_counter() - t0) * 1000)
            return samples

        # Interleave the two measurements in rounds so machine noise hits both alike.
        raw_ms: list[float] = []
        api_ms: list[float] = []
        rounds = 5
        for _ in range(rounds):
            raw_ms += timed(raw, n // rounds)
            api_ms += timed(api, n // rounds)

        def throughput(call, workers: int, count: int) -> float:
            t0 = time.perf_counter()
            with ThreadPoolExecutor(workers) as pool:
                list(pool.map(lambda _: call(), range(count)))
            return count / (time.perf_counter() - t0)

        raw_rate = throughput(raw, 2, n)
        api_rate = throughput(api, 2, n)

        raw_p50, api_p50 = statistics.median(raw_ms), statistics.median(api_ms)
        cfg = settings
        params = f"t={cfg.ARGON2_TIME_COST} m={cfg.ARGON2_MEMORY_KIB} KiB p={cfg.ARGON2_PARALLELISM}"
        print(
            f"python {platform.python_version()}, {os.cpu_count()} cores; Argon2id {params}; n={n} per case"
        )
        print(f"{'':<28}{'p50 ms':>9}{'p99 ms':>9}{'per s (2 threads)':>20}")
        print(f"{'raw Argon2id verify':<28}{raw_p50:>9.1f}{percentile(raw_ms, 0.99):>9.1f}{raw_rate:>20.1f}")
        print(
            f"{'POST /api/v1/auth/login':<28}{api_p50:>9.1f}{percentile(api_ms, 0.99):>9.1f}{api_rate:>20.1f}"
        )
        print(
            f"API overhead at p50: {api_p50 - raw_p50:.1f} ms = {100 * (api_p50 / raw_p50 - 1):.1f}% "
            f"of the Argon2 time (target <= 15%)"
        )
        engine.dispose()
    finally:
        drop_database(database_url)


if __name__ == "__main__":
    main()

"""Readiness checks: PostgreSQL reachable, schema at the migration head, Redis reachable."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import redis
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError


@dataclass(frozen=True, slots=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    # A failing non-critical check is reported but does not make the instance unready
    # (a stalled audit sequencer must not drain every API pod behind a load balancer).
    critical: bool = True


def migration_heads(migrations_dir: Path) -> frozenset[str]:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


class ReadinessProbe:
    def __init__(
        self,
        engine: Engine,
        redis_client: redis.Redis,
        heads: frozenset[str],
        *,
        audit_lag: Callable[[], tuple[int, float]] | None = None,
        max_audit_lag_seconds: float = 60,
    ) -> None:
        self._engine = engine
        self._redis = redis_client
        self._heads = heads
        self._audit_lag = audit_lag
        self._max_lag = max_audit_lag_seconds

    def run(self) -> list[CheckResult]:
        results = [self._database_and_schema(), self._redis_check()]
        if self._audit_lag is not None and results[0].ok:
            results.append(self._audit_sequencer(self._audit_lag))
        return results

    def _audit_sequencer(self, measure: Callable[[], tuple[int, float]]) -> CheckResult:
        """Entries waiting for the sequencer, and how long the oldest has waited."""
        try:
            waiting, age = measure()
        except SQLAlchemyError:
            return CheckResult("audit_sequencer", False, "lag could not be measured", critical=False)
        detail = f"{waiting} waiting, oldest {age:.1f}s"
        return CheckResult("audit_sequencer", age <= self._max_lag, detail, critical=False)

    def _database_and_schema(self) -> CheckResult:
        try:
            with self._engine.connect() as conn:
                conn.execute(text("SET LOCAL statement_timeout = 2000"))
                current: frozenset[str] = frozenset(
                    conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
                )
        except SQLAlchemyError as exc:
            kind = "schema" if "alembic_version" in str(exc) else "database"
            detail = "not migrated" if kind == "schema" else "unreachable"
            return CheckResult(kind, False, detail)
        if current != self._heads:
            return CheckResult("migrations", False, "schema is not at the migration head")
        return CheckResult("database", True, "ok")

    def _redis_check(self) -> CheckResult:
        try:
            self._redis.ping()
        except redis.RedisError:
            return CheckResult("redis", False, "unreachable")
        return CheckResult("redis", True, "ok")

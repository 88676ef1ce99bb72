"""Readiness checks: PostgreSQL reachable, schema at the migration head, Redis reachable."""

from __future__ import annotations

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


def migration_heads(migrations_dir: Path) -> frozenset[str]:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


class ReadinessProbe:
    def __init__(self, engine: Engine, redis_client: redis.Redis, heads: frozenset[str]) -> None:
        self._engine = engine
        self._redis = redis_client
        self._heads = heads

    def run(self) -> list[CheckResult]:
        return [self._database_and_schema(), self._redis_check()]

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

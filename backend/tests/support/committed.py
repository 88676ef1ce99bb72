"""A container on a database of its own whose transactions really commit: for tests where
several threads or a worker use their own connections (the per-test rollback fixtures
share one connection)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import redis

from elcorp.bootstrap import Container, bootstrap
from elcorp.config import Settings
from elcorp.shared.infrastructure import migrate
from elcorp.shared.infrastructure.db import build_engine
from support.servers import create_database, drop_database


@contextmanager
def committed_container(
    server_url: str, settings: Settings, redis_client: redis.Redis, *, prefix: str, pool_size: int
) -> Iterator[Container]:
    url = create_database(server_url, prefix=prefix)
    engine = build_engine(url, pool_size=pool_size)
    try:
        migrate.upgrade(engine, settings.MIGRATIONS_DIR)
        yield bootstrap(
            settings.model_copy(update={"DATABASE_URL": url}), engine=engine, redis_client=redis_client
        )
    finally:
        engine.dispose()
        drop_database(url)

"""A container on a database of its own whose transactions really commit: for tests where
several threads or a worker use their own connections (the per-test rollback fixtures
share one connection)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import redis
from sqlalchemy.engine import make_url

from elcorp.bootstrap import bootstrap
from elcorp.config import Settings
from elcorp.container import Container
from elcorp.shared.infrastructure import migrate
from elcorp.shared.infrastructure.db import build_engine
from support.servers import create_database, drop_database

# One migrated database per server and run, copied for each committed container: a copy
# takes a fraction of the time the migrations take.
_templates: dict[str, str] = {}
_templates_lock = threading.Lock()


def migrated_template(server_url: str, settings: Settings) -> str:
    """The URL of this run's migrated template database on `server_url` (made once)."""
    with _templates_lock:
        if server_url not in _templates:
            url = create_database(server_url, prefix="elcorp_template")
            engine = build_engine(url, pool_size=1)
            try:
                migrate.upgrade(engine, settings.MIGRATIONS_DIR)
            finally:
                engine.dispose()
            _templates[server_url] = url
        return _templates[server_url]


def drop_templates() -> None:
    """Drop the template databases of the run (at the end of the run)."""
    with _templates_lock:
        for url in _templates.values():
            drop_database(url)
        _templates.clear()


def migrated_database(server_url: str, settings: Settings, *, prefix: str) -> str:
    """A new database migrated to head (a copy of the run's template); returns its URL."""
    template = make_url(migrated_template(server_url, settings)).database
    return create_database(server_url, prefix=prefix, template=template)


@contextmanager
def committed_container(
    server_url: str, settings: Settings, redis_client: redis.Redis, *, prefix: str, pool_size: int
) -> Iterator[Container]:
    url = migrated_database(server_url, settings, prefix=prefix)
    engine = build_engine(url, pool_size=pool_size)
    try:
        yield bootstrap(
            settings.model_copy(update={"DATABASE_URL": url}), engine=engine, redis_client=redis_client
        )
    finally:
        engine.dispose()
        drop_database(url)

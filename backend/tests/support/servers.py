"""PostgreSQL and Redis for the test run: external when DATABASE_URL / REDIS_URL are set,
otherwise embedded ones started for this run. Every run gets its own fresh database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from elcorp.shared.infrastructure.db import sqlalchemy_url
from elcorp.shared.infrastructure.embedded import EmbeddedPostgres, EmbeddedRedis


def database_url_for(server_url: str, name: str) -> str:
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def create_database(server_url: str, prefix: str = "elcorp_test", *, template: str | None = None) -> str:
    """A new database on the server of `server_url`, empty or a copy of the `template`
    database (which nobody may be connected to); returns its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(
        sqlalchemy_url(database_url_for(server_url, "postgres")), isolation_level="AUTOCOMMIT"
    )
    copy = f' TEMPLATE "{template}"' if template else ""
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    admin.dispose()
    return database_url_for(server_url, name)


def drop_database(url: str) -> None:
    name = make_url(url).database
    admin = create_engine(sqlalchemy_url(database_url_for(url, "postgres")), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@contextmanager
def embedded_servers(base: Path) -> Iterator[tuple[str, str]]:
    """(postgres server URL, redis URL) of a throw-away embedded pair under `base`."""
    postgres = EmbeddedPostgres(base / "postgres").start()
    redis_server = EmbeddedRedis(base / "redis", persistent=False)
    try:
        redis_server.start()
        yield postgres.url("postgres"), redis_server.url(0)
    finally:
        redis_server.stop()
        postgres.stop()

"""Fixtures for every ring of the suite.

Servers: external when DATABASE_URL / REDIS_URL are set, else embedded ones for this run.
Isolation: a fresh database per run, migrated to head; one outer transaction per test,
always rolled back, with the code's own commits turned into SAVEPOINTs; Redis flushed
before each test (the test Redis database is ours for the run).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
import redis
from flask.testing import FlaskClient
from flask_openapi3 import OpenAPI
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from elcorp.bootstrap import Container, bootstrap
from elcorp.config import Profile, Settings
from elcorp.main import create_app
from elcorp.shared.infrastructure import migrate
from elcorp.shared.infrastructure.db import build_engine
from elcorp.shared.infrastructure.redis import build_redis
from elcorp.shared.security.encryption import generate_key
from support.servers import create_database, drop_database, embedded_servers

RINGS = ("unit", "integration", "security", "e2e")
FIELD_KEY = generate_key("test1")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        parts = Path(str(item.fspath)).parts
        for ring in RINGS:
            if ring in parts:
                item.add_marker(getattr(pytest.mark, ring))


@pytest.fixture(scope="session")
def server_urls() -> Iterator[tuple[str, str]]:
    """(PostgreSQL server URL, Redis URL) for the run."""
    external_db = os.environ.get("DATABASE_URL")
    external_redis = os.environ.get("REDIS_URL")
    with ExitStack() as stack:
        if external_db and external_redis:
            yield external_db, external_redis
            return
        base = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="elcorp-test-")))
        os.chmod(base, 0o755)  # the embedded PostgreSQL runs as its own user when we are root
        embedded_db, embedded_redis = stack.enter_context(embedded_servers(base))
        yield external_db or embedded_db, external_redis or embedded_redis


@pytest.fixture(scope="session")
def database_url(server_urls: tuple[str, str]) -> Iterator[str]:
    url = create_database(server_urls[0])
    try:
        yield url
    finally:
        drop_database(url)


@pytest.fixture(scope="session")
def redis_url(server_urls: tuple[str, str]) -> str:
    return server_urls[1]


def make_settings(database_url: str, redis_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "ENV": Profile.TEST,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "FIELD_ENCRYPTION_KEYS": FIELD_KEY,
        "LOOKUP_HASH_KEY": "test-lookup-hash-key-that-is-long-enough-0123",
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_KIB": 1024,
        "LOG_LEVEL": "WARNING",
        "INVOICE_ISSUER_VAT_NUMBER": "99-000-0001",  # the platform issues tax invoices in tests
        "VAR_DIR": Path(tempfile.gettempdir()) / "elcorp-test-var",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def settings(database_url: str, redis_url: str) -> Settings:
    return make_settings(database_url, redis_url)


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Engine]:
    assert settings.DATABASE_URL
    engine = build_engine(settings.DATABASE_URL, pool_size=5)
    migrate.upgrade(engine, settings.MIGRATIONS_DIR)
    yield engine
    engine.dispose()


@pytest.fixture
def redis_client(settings: Settings) -> Iterator[redis.Redis]:
    assert settings.REDIS_URL
    client = build_redis(settings.REDIS_URL)
    client.flushdb()
    yield client
    client.close()


@pytest.fixture
def session_factory(engine: Engine) -> Iterator[Callable[[], Session]]:
    """Sessions that share one connection whose outer transaction is rolled back."""
    with engine.connect() as conn:
        outer = conn.begin()

        def factory() -> Session:
            return Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)

        yield factory
        outer.rollback()


@pytest.fixture
def container(
    settings: Settings, engine: Engine, session_factory: Callable[[], Session], redis_client: redis.Redis
) -> Container:
    return bootstrap(settings, engine=engine, session_factory=session_factory, redis_client=redis_client)


@pytest.fixture
def app(container: Container) -> OpenAPI:
    return create_app(container=container)


@pytest.fixture
def client(app: OpenAPI) -> FlaskClient:
    return app.test_client()

"""Fixtures for every ring of the suite.

Servers: external when DATABASE_URL / REDIS_URL are set, else embedded ones for this run.
Isolation: a fresh database per run, migrated to head; one outer transaction per test,
always rolled back, with the code's own commits turned into SAVEPOINTs; Redis flushed
before each test (the test Redis database is ours for the run).

The container and the app are built once per run: the container's session factory is a
`ReboundSessions` that each test points at its own connection. A test that changes a
container or an app (subscribes to the bus, registers routes, pokes a probe) builds its own
(`bootstrap(...)`, `create_app(container=...)`, or the `own_app` fixture).
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

from elcorp.bootstrap import bootstrap
from elcorp.config import Profile, Settings
from elcorp.container import Container
from elcorp.main import create_app
from elcorp.shared.application.message_bus import MessageBus
from elcorp.shared.domain.events import DomainEvent
from elcorp.shared.infrastructure import migrate
from elcorp.shared.infrastructure.db import build_engine
from elcorp.shared.infrastructure.redis import build_redis
from elcorp.shared.security.encryption import generate_key
from support.committed import drop_templates
from support.servers import create_database, drop_database, embedded_servers
from support.sessions import ReboundSessions

RINGS = ("unit", "integration", "security", "e2e", "contract")
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
        drop_templates()  # the committed containers' template databases, while the server runs


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


@pytest.fixture(scope="session")
def shared_redis(settings: Settings) -> Iterator[redis.Redis]:
    assert settings.REDIS_URL
    client = build_redis(settings.REDIS_URL)
    yield client
    client.close()


@pytest.fixture
def redis_client(shared_redis: redis.Redis) -> redis.Redis:
    shared_redis.flushdb()
    return shared_redis


@pytest.fixture(scope="session")
def rebound_sessions() -> ReboundSessions:
    return ReboundSessions()


@pytest.fixture
def session_factory(engine: Engine, rebound_sessions: ReboundSessions) -> Iterator[Callable[[], Session]]:
    """Sessions that share one connection whose outer transaction is rolled back; the
    shared container's sessions are bound to it for the test."""
    with engine.connect() as conn:
        outer = conn.begin()

        def factory() -> Session:
            return Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)

        rebound_sessions.bind(factory)
        try:
            yield factory
        finally:
            rebound_sessions.reset()
            outer.rollback()


@pytest.fixture(scope="session")
def shared_container(
    settings: Settings, engine: Engine, rebound_sessions: ReboundSessions, shared_redis: redis.Redis
) -> Container:
    return bootstrap(settings, engine=engine, session_factory=rebound_sessions, redis_client=shared_redis)


@pytest.fixture(scope="session")
def shared_app(shared_container: Container) -> OpenAPI:
    return create_app(container=shared_container)


def subscription_counts(bus: MessageBus) -> dict[type[DomainEvent], int]:
    """How many handlers each event class reaches (classes no handler takes left out)."""
    counts: dict[type[DomainEvent], int] = {}
    pending: list[type[DomainEvent]] = [DomainEvent]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if reached := len(bus.subscriptions_for(cls)):
            counts[cls] = reached
    return counts


@pytest.fixture
def container(
    shared_container: Container, session_factory: Callable[[], Session], redis_client: redis.Redis
) -> Iterator[Container]:
    """The run's container, its sessions on this test's connection, Redis flushed. A test
    that subscribes a handler to its bus fails: it would reach every later test."""
    before = subscription_counts(shared_container.bus)
    yield shared_container
    assert subscription_counts(shared_container.bus) == before, "subscribe on `own_container`'s bus"


@pytest.fixture
def own_container(
    settings: Settings, engine: Engine, session_factory: Callable[[], Session], redis_client: redis.Redis
) -> Container:
    """A container of the test's own, for a test that changes it (bus subscriptions, probes)."""
    return bootstrap(settings, engine=engine, session_factory=session_factory, redis_client=redis_client)


@pytest.fixture
def app(shared_app: OpenAPI, shared_container: Container, container: Container) -> OpenAPI:
    """The run's app; a module that overrides `container` gets an app of that container."""
    return shared_app if container is shared_container else create_app(container=container)


@pytest.fixture
def own_app(container: Container) -> OpenAPI:
    """An app of the test's own, for a test that registers routes on it."""
    return create_app(container=container)


@pytest.fixture
def client(app: OpenAPI) -> FlaskClient:
    return app.test_client()

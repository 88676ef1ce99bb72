"""Composition root: builds every adapter from Settings and wires the message bus.

The app factory, the Celery worker and the CLI all call `bootstrap()`; tests call it with
their own session factory (per-test transaction) or with fakes. Contexts never read
settings themselves: what they need is passed in here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import redis
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from elcorp.config import Settings
from elcorp.shared.application.message_bus import MessageBus
from elcorp.shared.infrastructure.db import build_engine, build_session_factory
from elcorp.shared.infrastructure.health import ReadinessProbe, migration_heads
from elcorp.shared.infrastructure.outbox import OutboxDispatcher
from elcorp.shared.infrastructure.redis import build_redis
from elcorp.shared.infrastructure.unit_of_work import SqlAlchemyUnitOfWork
from elcorp.shared.security.encryption import FieldCipher


class MissingServerError(RuntimeError):
    """DATABASE_URL or REDIS_URL is unset and no embedded server was started."""


@dataclass
class Container:
    settings: Settings
    engine: Engine
    session_factory: Callable[[], Session]
    redis: redis.Redis
    bus: MessageBus
    cipher: FieldCipher
    readiness: ReadinessProbe
    outbox: OutboxDispatcher
    extras: dict[str, object] = field(default_factory=dict)

    def uow(self) -> SqlAlchemyUnitOfWork:
        """A fresh unit of work (one per request or job)."""
        return SqlAlchemyUnitOfWork(self.session_factory)


Seeder = Callable[["Container"], str]
# Idempotent reference-data loaders, run by `elcorp seed`, in order. Each returns one line
# saying what it did. Contexts add theirs (roles and permissions come with identity).
SEEDERS: list[Seeder] = []


def run_seeders(container: Container) -> list[str]:
    if not SEEDERS:
        return ["no reference data to load"]
    return [seeder(container) for seeder in SEEDERS]


def register_event_handlers(bus: MessageBus, container: Container) -> None:
    """Subscribe each context's handlers to the events they react to (one place, read it
    to know who reacts to what). Contexts add their lines as they gain handlers."""


def bootstrap(
    settings: Settings,
    *,
    engine: Engine | None = None,
    session_factory: Callable[[], Session] | None = None,
    redis_client: redis.Redis | None = None,
) -> Container:
    if engine is None:
        if not settings.DATABASE_URL:
            raise MissingServerError(
                "DATABASE_URL is not set: run `make run` (embedded PostgreSQL) or set it"
            )
        engine = build_engine(
            settings.DATABASE_URL,
            pool_size=settings.DB_POOL_SIZE,
            statement_timeout_ms=settings.DB_STATEMENT_TIMEOUT_MS,
        )
    if redis_client is None:
        if not settings.REDIS_URL:
            raise MissingServerError("REDIS_URL is not set: run `make run` (embedded Redis) or set it")
        redis_client = build_redis(settings.REDIS_URL)
    sessions = session_factory or build_session_factory(engine)
    bus = MessageBus()
    container = Container(
        settings=settings,
        engine=engine,
        session_factory=sessions,
        redis=redis_client,
        bus=bus,
        cipher=FieldCipher([k.get_secret_value() for k in settings.FIELD_ENCRYPTION_KEYS]),
        readiness=ReadinessProbe(engine, redis_client, migration_heads(settings.MIGRATIONS_DIR)),
        outbox=OutboxDispatcher(sessions, bus, max_attempts=settings.OUTBOX_MAX_ATTEMPTS),
    )
    register_event_handlers(bus, container)
    return container

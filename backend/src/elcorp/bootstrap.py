"""Composition root: the shared infrastructure from Settings, then each context's module
(each wires itself in `<context>/wiring.py`), their event handlers subscribed. The app
factory, the Celery worker, the CLI and the tests (with their own session factory) call it.
Identity and governance need each other: governance's access control is built first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import redis
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from elcorp.compliance import wiring as compliance
from elcorp.compliance.event_types import EVENT_TYPES as COMPLIANCE_EVENTS
from elcorp.compliance.retention.application.retention import IdempotencyPurge
from elcorp.config import Settings
from elcorp.container import Container
from elcorp.governance import wiring as governance
from elcorp.governance.application.event_types import EVENT_TYPES as GOVERNANCE_EVENTS
from elcorp.identity import wiring as identity
from elcorp.identity.application.event_types import EVENT_TYPES as IDENTITY_EVENTS
from elcorp.infra import Infrastructure
from elcorp.payments import wiring as payments
from elcorp.payments.application.event_types import EVENT_TYPES as PAYMENTS_EVENTS
from elcorp.shared.application.message_bus import MessageBus
from elcorp.shared.domain.events import register_event_types
from elcorp.shared.infrastructure.db import build_engine, build_session_factory
from elcorp.shared.infrastructure.health import ReadinessProbe, migration_heads
from elcorp.shared.infrastructure.outbox import OutboxDispatcher
from elcorp.shared.infrastructure.redis import build_redis
from elcorp.shared.security.encryption import FieldCipher


class MissingServerError(RuntimeError):
    """DATABASE_URL or REDIS_URL is unset and no embedded server was started."""


# Idempotent reference-data loaders, run by `elcorp seed`, in order; each says what it did.
SEEDERS: list[Callable[[Infrastructure], str]] = [governance.seed_access_control]


def run_seeders(container: Container) -> list[str]:
    return [seeder(container.infra) for seeder in SEEDERS]


def bootstrap(
    settings: Settings,
    *,
    engine: Engine | None = None,
    session_factory: Callable[[], Session] | None = None,
    redis_client: redis.Redis | None = None,
) -> Container:
    infra = build_infrastructure(settings, engine, session_factory, redis_client)
    access = governance.wire_access(infra)
    ident = identity.wire(
        infra, access=access.access, organizations=access.organizations, grants_store=access.grants_store
    )
    gov = governance.wire(infra, access=access, users=ident.users)
    pay = payments.wire(
        infra, access=access.access, users=ident.users, permission_holders=access.permission_holders
    )
    comp = compliance.wire(
        infra,
        access=access.access,
        users=ident.users,
        organizations=access.organizations,
        permission_holders=access.permission_holders,
        holidays=gov.holidays,
        corrections=ident.corrections,
        exporters=[ident.personal_data, gov.personal_data, pay.personal_data],
        erasers=[ident.erasure, pay.erasure, gov.erasure],  # identity first
        purgers=[ident.retention_purge],
        ledger=pay.ledger_reports,
        idempotency=IdempotencyPurge(pay.payments.purge_idempotency_keys, pay.idempotency_keys_due),
    )
    for module in (ident, gov, pay, comp):
        module.subscribe(infra.bus)
    return Container(
        infra=infra,
        identity_module=ident,
        governance_module=gov,
        payments_module=pay,
        compliance_module=comp,
        readiness=ReadinessProbe(
            infra.engine,
            infra.redis,
            migration_heads(settings.MIGRATIONS_DIR),
            audit_lag=comp.audit_sequencer.lag,
            max_audit_lag_seconds=settings.AUDIT_MAX_LAG_SECONDS,
        ),
        outbox=OutboxDispatcher(
            infra.session_factory,
            infra.bus,
            max_attempts=settings.OUTBOX_MAX_ATTEMPTS,
            lease=timedelta(seconds=settings.OUTBOX_LEASE_SECONDS),
        ),
    )


def build_infrastructure(
    settings: Settings,
    engine: Engine | None,
    session_factory: Callable[[], Session] | None,
    redis_client: redis.Redis | None,
) -> Infrastructure:
    if engine is None:
        if not settings.DATABASE_URL:
            raise MissingServerError(
                "DATABASE_URL is not set: run `make run` (embedded PostgreSQL) or set it"
            )
        engine = build_engine(
            settings.DATABASE_URL,
            pool_size=settings.DB_POOL_SIZE,
            statement_timeout_ms=settings.DB_STATEMENT_TIMEOUT_MS,
            pre_ping=settings.DB_POOL_PRE_PING,
        )
    if redis_client is None:
        if not settings.REDIS_URL:
            raise MissingServerError("REDIS_URL is not set: run `make run` (embedded Redis) or set it")
        redis_client = build_redis(settings.REDIS_URL)
    # Every context's events, listed by the context, so stored rows of any type can be read.
    register_event_types(IDENTITY_EVENTS + PAYMENTS_EVENTS + GOVERNANCE_EVENTS + COMPLIANCE_EVENTS)
    return Infrastructure(
        settings=settings,
        engine=engine,
        session_factory=session_factory or build_session_factory(engine),
        redis=redis_client,
        cipher=FieldCipher([k.get_secret_value() for k in settings.FIELD_ENCRYPTION_KEYS]),
        bus=MessageBus(),
        mail=identity.email_sender(settings),
        public_base_url=settings.PUBLIC_BASE_URL,
        caller_sessions=session_factory is not None,
    )

"""Migration 0031: events stored before the upgrade are still delivered after it, and a
downgrade hands undelivered events back to the per-event dispatcher."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from elcorp.identity.domain.events import SecurityNotice
from elcorp.shared.application.message_bus import MessageBus
from elcorp.shared.domain.events import register_event_types
from elcorp.shared.infrastructure import migrate
from elcorp.shared.infrastructure.db import build_engine, build_session_factory
from elcorp.shared.infrastructure.outbox import OutboxDispatcher
from support.servers import create_database, drop_database

register_event_types([SecurityNotice])


def store(conn, event) -> int:
    return conn.execute(
        text(
            "INSERT INTO outbox_message (event_id, event_type, payload, occurred_at, attempts) "
            "VALUES (:id, :type, CAST(:payload AS jsonb), :at, 2) RETURNING id"
        ),
        {
            "id": event.event_id,
            "type": event.event_type,
            "payload": json.dumps(event.to_payload()),
            "at": event.occurred_at,
        },
    ).scalar_one()


def test_an_event_stored_before_the_upgrade_reaches_every_subscriber_after_it(server_urls, settings):
    url = create_database(server_urls[0], prefix="elcorp_m0031")
    engine = build_engine(url, pool_size=2)
    try:
        migrate.upgrade(engine, settings.MIGRATIONS_DIR, "0030_permission_scopes")
        waiting = SecurityNotice(user_id=uuid.uuid4(), kind="password_changed")
        with engine.begin() as conn:
            store(conn, waiting)  # retried twice by the old dispatcher, not yet delivered
        migrate.upgrade(engine, settings.MIGRATIONS_DIR, "0031_outbox_deliveries")

        mailed, counted = [], []
        bus = MessageBus()
        bus.subscribe(SecurityNotice, mailed.append, name="identity.mail")
        bus.subscribe(SecurityNotice, counted.append, name="compliance.alarm")
        later = datetime.now(UTC) + timedelta(minutes=1)  # past the rows' database timestamps
        result = OutboxDispatcher(build_session_factory(engine), bus, clock=lambda: later).dispatch_pending()
        assert (result.fanned_out, result.dispatched) == (1, 2)
        assert mailed == counted == [waiting]

        # A second event, one of whose deliveries is still pending at downgrade time.
        pending = SecurityNotice(user_id=uuid.uuid4(), kind="mfa_enabled")
        with engine.begin() as conn:
            message_id = store(conn, pending)
            conn.execute(
                text(
                    "UPDATE outbox_message SET dispatched_at = now() WHERE id = :id;"
                    "INSERT INTO outbox_delivery (message_id, subscriber, delivered_at) VALUES "
                    "(:id, 'identity.mail', now()), (:id, 'compliance.alarm', NULL)"
                ),
                {"id": message_id},
            )
        migrate.downgrade(engine, settings.MIGRATIONS_DIR, "0030_permission_scopes")
        with engine.connect() as conn:
            rows = dict(
                conn.execute(text("SELECT event_id, dispatched_at IS NOT NULL FROM outbox_message")).all()
            )
            assert "outbox_delivery" not in {
                r[0]
                for r in conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
            }
        assert rows == {waiting.event_id: True, pending.event_id: False}
        migrate.upgrade(engine, settings.MIGRATIONS_DIR, "head")
    finally:
        engine.dispose()
        drop_database(url)

"""Migrations are reversible: upgrade head -> downgrade base -> upgrade head on real PostgreSQL."""

from __future__ import annotations

from sqlalchemy import inspect, text

from elcorp.shared.infrastructure import migrate
from elcorp.shared.infrastructure.db import build_engine
from support.servers import create_database, drop_database


def test_upgrade_downgrade_upgrade_round_trip(server_urls, settings):
    url = create_database(server_urls[0], prefix="elcorp_migrations")
    engine = build_engine(url, pool_size=1)
    try:
        migrate.upgrade(engine, settings.MIGRATIONS_DIR)
        tables = set(inspect(engine).get_table_names())
        assert {"outbox_message", "audit_log", "alembic_version"} <= tables

        migrate.downgrade(engine, settings.MIGRATIONS_DIR, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        with engine.connect() as conn:
            functions = conn.execute(
                text("SELECT count(*) FROM pg_proc WHERE proname = 'audit_log_refuse_change'")
            ).scalar()
        assert functions == 0

        migrate.upgrade(engine, settings.MIGRATIONS_DIR)
        assert {"outbox_message", "audit_log"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
        drop_database(url)


def test_constraint_names_follow_the_naming_convention(engine):
    inspector = inspect(engine)
    assert inspector.get_pk_constraint("outbox_message")["name"] == "pk_outbox_message"
    assert inspector.get_pk_constraint("audit_log")["name"] == "pk_audit_log"
    uniques = {u["name"] for u in inspector.get_unique_constraints("outbox_message")}
    assert "uq_outbox_message_event_id" in uniques

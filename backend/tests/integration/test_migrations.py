"""Migrations are reversible: upgrade head -> downgrade base -> upgrade head on real PostgreSQL."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone

import rfc8785
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


MOVED_COLUMNS = {"actor_roles", "changes", "reason", "ip", "user_agent"}


def column_names(engine, table: str) -> set[str]:
    """From the catalog (the inspector warns about audit_log's xid8 column)."""
    with engine.connect() as conn:
        return set(
            conn.execute(
                text("SELECT column_name FROM information_schema.columns WHERE table_name = :t"), {"t": table}
            ).scalars()
        )


def test_0009_moves_old_rows_into_their_canonical_entry_and_back(server_urls, settings):
    rows = [
        {
            "id": uuid.uuid4(),
            "occurred_at": datetime(2026, 3, 5, 14, 7, 9, 123456, tzinfo=timezone(timedelta(hours=2))),
            "action": "payment.approved",
            "actor_id": "user-1",
            "actor_roles": ["admin", "clerk"],
            "resource_type": "payment",
            "resource_id": "pay-9",
            "changes": {
                "before": {"status": "pending", "limits": {"daily": 5000, "tags": ["€", None, True]}},
                "after": {"status": "approved", "note": 'said "ok", then\nleft \\ ✓'},
            },
            "reason": "Windhoek \u2013 Ōshakati ✓ 😀",
            "ip": "196.44.1.7",
            "user_agent": "ElcorpApp/1.0",
            "request_id": "req-1",
        },
        {
            "id": uuid.uuid4(),
            "occurred_at": datetime(2025, 12, 31, 22, 0, 0, tzinfo=timezone(timedelta(hours=-5))),
            "action": "user.seen",
            "actor_id": "system",
            "actor_roles": [],
            "resource_type": "user",
            "resource_id": None,
            "changes": {"before": {}, "after": {}},
            "reason": None,
            "ip": None,
            "user_agent": None,
            "request_id": None,
        },
    ]
    expected_entries = {
        row["id"]: rfc8785.dumps(
            {
                **{k: v for k, v in row.items() if k not in {"id", "occurred_at"}},
                "id": str(row["id"]),
                "occurred_at": row["occurred_at"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            }
        ).decode()
        for row in rows
    }
    assert expected_entries[rows[1]["id"]].count('"occurred_at":"2026-01-01T03:00:00.000000Z"') == 1

    url = create_database(server_urls[0], prefix="elcorp_migrations")
    engine = build_engine(url, pool_size=1)
    try:
        migrate.upgrade(engine, settings.MIGRATIONS_DIR, "0008_audit_seq_index")
        with engine.begin() as conn:
            for month in ("2025-12-01", "2026-01-01", "2026-03-01"):
                conn.execute(text("SELECT audit_log_create_partition(CAST(:m AS date))"), {"m": month})
            for row in rows:
                conn.execute(
                    text(
                        "INSERT INTO audit_log (id, occurred_at, action, actor_id, actor_roles, "
                        "resource_type, resource_id, changes, reason, ip, user_agent, request_id) "
                        "VALUES (:id, :occurred_at, :action, :actor_id, :actor_roles, :resource_type, "
                        ":resource_id, CAST(:changes AS jsonb), :reason, :ip, :user_agent, :request_id)"
                    ),
                    {**row, "changes": json.dumps(row["changes"])},
                )

        migrate.upgrade(engine, settings.MIGRATIONS_DIR)
        with engine.connect() as conn:
            stored = {r.id: r.entry for r in conn.execute(text("SELECT id, entry FROM audit_log"))}
        assert stored == expected_entries
        inspector = inspect(engine)
        columns = column_names(engine, "audit_log")
        assert not columns & MOVED_COLUMNS
        assert "entry" in columns
        assert inspector.get_pk_constraint("audit_log")["constrained_columns"] == ["occurred_at", "id"]

        migrate.downgrade(engine, settings.MIGRATIONS_DIR, "0008_audit_seq_index")
        inspector = inspect(engine)
        columns = column_names(engine, "audit_log")
        assert columns >= MOVED_COLUMNS
        assert "entry" not in columns
        assert inspector.get_pk_constraint("audit_log")["constrained_columns"] == ["id", "occurred_at"]
        with engine.connect() as conn:
            restored = {
                r.id: r._asdict()
                for r in conn.execute(
                    text(
                        "SELECT id, occurred_at, action, actor_id, actor_roles, resource_type, resource_id, "
                        "changes, reason, ip, user_agent, request_id FROM audit_log"
                    )
                )
            }
        assert restored == {row["id"]: row for row in rows}
    finally:
        engine.dispose()
        drop_database(url)

"""Alembic environment: URL from Settings (or a connection handed in by the CLI/tests).

`target_metadata` is every context's tables (`elcorp.tables`), so autogenerate sees the
whole schema; `tests/integration/test_schema_matches_code.py` keeps the two equal."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from elcorp.tables import metadata

config = context.config
target_metadata = metadata


def run_with(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_with(connection)
        return
    from elcorp.config import Settings
    from elcorp.shared.infrastructure.db import build_engine

    url = config.get_main_option("sqlalchemy.url") or Settings().DATABASE_URL
    if not url:
        raise SystemExit("DATABASE_URL is not set")
    engine = build_engine(url, pool_size=1)
    try:
        with engine.connect() as conn:
            run_with(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported: migrations use triggers")
run_migrations_online()
